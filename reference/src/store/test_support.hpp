// Synthetic records and a temporary folder for the store tests. No real traveller data.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "apipnr/store/store.hpp"

namespace apipnr::store::testing {

// A fresh folder under the system temp dir, removed on destruction.
class temp_dir {
 public:
  temp_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("apipnr-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::filesystem::path file(const std::string& name = "store.db") const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline options options_for(const std::filesystem::path& file) {
  options o;
  o.path = file;
  return o;
}

inline model::traveller make_traveller(const std::string& surname, const std::string& dob,
                                       const std::string& doc_number) {
  model::traveller t;
  t.role = "passenger";
  t.party_function = "FL";
  t.surname = surname;
  t.given_names = "TESTGIVEN";
  t.gender = "F";
  t.date_of_birth = dob;
  t.nationality = "ZZZ";
  t.documents.push_back({"P", doc_number, "ZZZ", "2031-01-01", std::nullopt, "ZZZ", "DOC"});
  t.mutable_details().contacts.push_back({"phone", "+00 555 0100"});
  return t;
}

// An API record: PAXLST for flight ZZ123 on 2030-05-01 with `n` synthetic passengers.
inline received make_api(const std::string& reference, int n = 2, const std::string& carrier = "ZZ",
                         const std::string& number = "123",
                         const std::string& date = "2030-05-01") {
  received r;
  r.raw = "UNB+UNOA:4+ZZAIR+STATEAPI+300501:1000+" + reference + "'UNH+1+PAXLST:D:05B:UN:IATA'";
  for (int i = 0; i < n; ++i) r.raw += "NAD+FL+++SYNTH" + std::to_string(i) + "'";
  r.raw += "UNT+3+1'UNZ+1+" + reference + "'";
  r.via = channel::http;
  r.sender_identity = "CN=zzair-test";
  r.sender = "ZZAIR";
  r.control_reference = reference;
  r.message_references = {"1"};
  r.category = data_category::api;
  r.outcome = verdict::accept_with_warnings;
  diagnostic d;
  d.id = "PAX-NAD-TITLE";
  d.requirement = "API-PAXLST-NAD-012";
  d.level = severity::warning;
  d.where = scope::component;
  d.detail = "title MR in SYNTH0";  // a detail that quotes a name: dropped when masked
  r.findings.push_back(d);
  r.finding_message.push_back(0);
  model::canonical_message m;
  m.message.kind = "api";
  m.message.syntax = "edifact";
  m.message.type = "PAXLST";
  m.message.sender = "ZZAIR";
  m.message.interchange_reference = reference;
  m.message.message_reference = "1";
  model::flight f;
  f.carrier = carrier;
  f.number = number;
  model::leg l;
  l.departure.port = "AAA";
  l.departure.scheduled = date + "T10:00";
  l.arrival.port = "BBB";
  l.arrival.scheduled = date + "T14:00";
  f.legs.push_back(l);
  m.flight_info = f;
  for (int i = 0; i < n; ++i)
    m.travellers.push_back(make_traveller("SYNTH" + std::to_string(i),
                                          "1980-06-1" + std::to_string(i % 10),
                                          "X0000" + std::to_string(i)));
  r.messages.push_back(std::move(m));
  return r;
}

// A PNR record: PNRGOV for the same flight with one PNR (locator `locator`, one traveller).
inline received make_pnr(const std::string& reference, const std::string& locator) {
  received r;
  r.raw = "UNB+UNOA:4+ZZAIR+STATEPNR+300430:0900+" + reference +
          "'UNH+1+PNRGOV:13:1:IA'SRC'RCI+ZZ:" + locator + "'UNT+4+1'UNZ+1+" + reference + "'";
  r.via = channel::amqp;
  r.sender_identity = "amqp-user-zzair";
  r.sender = "ZZAIR";
  r.control_reference = reference;
  r.message_references = {"1"};
  r.category = data_category::pnr;
  model::canonical_message m;
  m.message.kind = "pnr_push";
  m.message.syntax = "edifact";
  m.message.type = "PNRGOV";
  model::flight f;
  f.carrier = "ZZ";
  f.number = "123";
  model::leg l;
  l.departure.port = "AAA";
  l.departure.scheduled = "2030-05-01T10:00";
  f.legs.push_back(l);
  m.flight_info = f;
  model::pnr p;
  p.record_locators.push_back({locator, "ZZ", std::nullopt});
  p.travellers.push_back(make_traveller("PNRSYNTH", "1975-01-31", "Y99999"));
  p.contacts.push_back({"email", "synthetic@example.invalid"});
  p.osi.push_back("CTCM 0000 SYNTHETIC");
  model::payment pay;
  pay.type = "CC";
  pay.account_masked = "XXXXXXXXXXXX0000";
  model::ticket t;
  t.number = "0001234567890";
  t.payments.push_back(pay);
  p.travellers.front().mutable_details().tickets.push_back(t);
  m.pnrs.push_back(std::move(p));
  r.messages.push_back(std::move(m));
  return r;
}

}  // namespace apipnr::store::testing

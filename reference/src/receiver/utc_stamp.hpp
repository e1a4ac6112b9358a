// The date and time the receiver puts in the envelopes of its own interchanges (UNB 0017 /
// 0019 of CONTRL, CUSRES, ACKRES and the unsolicited CUSRES 132): UTC, YYMMDD and HHMM.
// Internal to reference/src/receiver (service.cpp and unsolicited.cpp share it).
// Thread safety: safe from any thread (gmtime_r, a per-thread cache). Errors: none.
#pragma once

#include <ctime>
#include <string>

namespace apipnr::receiver {

struct utc_stamp {
  std::string yymmdd, hhmm;
};

inline utc_stamp utc_now() {
  const std::time_t t = std::time(nullptr);
  // Both fields change once a minute: each thread formats them again only then (gmtime and two
  // strftime calls per acknowledgement otherwise).
  thread_local std::time_t minute = -1;
  thread_local utc_stamp cached;
  if (t / 60 != minute) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    // strftime: fixed-width fields, no truncation analysis needed (unlike snprintf of ints).
    char d[16], h[16];
    std::strftime(d, sizeof d, "%y%m%d", &tm);
    std::strftime(h, sizeof h, "%H%M", &tm);
    cached = {d, h};
    minute = t / 60;
  }
  return cached;
}

}  // namespace apipnr::receiver

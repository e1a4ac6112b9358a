#include "apipnr/harness/signing.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "report_internal.hpp"

namespace apipnr::harness {

namespace {

namespace ri = report_internal;

constexpr std::string_view k_domain = "apipnr-report-signature-v1\n";
constexpr std::string_view k_results = "results.json";
constexpr std::string_view k_signature = "signature.json";

struct pkey_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct bio_free {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

// OpenSSL's default passphrase callback prompts on the terminal; a harness running in CI must
// fail instead of hanging, so encrypted keys are refused.
int no_passphrase(char*, int, int, void*) { return 0; }

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::optional<std::string> public_key_pem(EVP_PKEY* k) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_PUBKEY(b.get(), k) != 1) return std::nullopt;
  char* data = nullptr;
  const long n = BIO_get_mem_data(b.get(), &data);
  if (n <= 0) return std::nullopt;
  return std::string(data, static_cast<std::size_t>(n));
}

std::string key_fingerprint(EVP_PKEY* k) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(k, &der);
  if (n <= 0) return {};
  std::string fp =
      ri::sha256_hex(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(n)));
  OPENSSL_free(der);
  return fp;
}

pkey_ptr read_public_pem(std::string_view pem) {
  bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!b) return nullptr;
  return pkey_ptr(PEM_read_bio_PUBKEY(b.get(), nullptr, no_passphrase, nullptr));
}

bool is_ed25519(EVP_PKEY* k) { return EVP_PKEY_get_id(k) == EVP_PKEY_ED25519; }

std::string signed_message(const std::string& results_canonical, const nlohmann::json& manifest) {
  std::string m(k_domain);
  m += results_canonical;
  m += '\n';
  m += canonical_json(manifest);
  return m;
}

// Every regular file under `dir` but results.json and signature.json at its top, by
// '/'-separated relative path. Files that cannot be read map to std::nullopt.
std::map<std::string, std::optional<std::string>> folder_hashes(const std::filesystem::path& dir,
                                                                std::error_code& ec) {
  std::map<std::string, std::optional<std::string>> out;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    std::string rel = it->path().lexically_relative(dir).generic_string();
    if (rel == k_results || rel == k_signature) continue;
    auto bytes = ri::read_file(it->path());
    out.emplace(std::move(rel),
                bytes ? std::optional<std::string>(ri::sha256_hex(*bytes)) : std::nullopt);
  }
  return out;
}

const std::string* string_member(const nlohmann::json& j, const std::string& key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

// Full hashes in messages: an evaluator compares them with other records by eye or grep.
std::string short_hash(std::string_view h) { return std::string(h); }

}  // namespace

std::string canonical_json(const nlohmann::json& j) {
  // nlohmann::json keeps object members in a std::map, so dump() already sorts keys; no
  // indent means no spaces. Replace (never throw) for strings that are not UTF-8: parsed
  // documents are always valid, and a value built in code must not crash the signer.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string corpus_sha256(const std::filesystem::path& root) {
  // Mirrors harness/src/core/digest.cpp sha256_tree (no filter); a test pins both to the
  // same value.
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return {};
  std::vector<std::pair<std::string, std::filesystem::path>> files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    files.emplace_back(it->path().lexically_relative(root).generic_string(), it->path());
  }
  if (ec) return {};
  std::sort(files.begin(), files.end());
  md_ctx_ptr c(EVP_MD_CTX_new());
  if (!c || EVP_DigestInit_ex(c.get(), EVP_sha256(), nullptr) != 1) return {};
  const char nul = '\0';
  for (const auto& [rel, path] : files) {
    auto bytes = ri::read_file(path);
    if (!bytes) return {};
    const std::string size = std::to_string(bytes->size());
    if (EVP_DigestUpdate(c.get(), rel.data(), rel.size()) != 1 ||
        EVP_DigestUpdate(c.get(), &nul, 1) != 1 ||
        EVP_DigestUpdate(c.get(), size.data(), size.size()) != 1 ||
        EVP_DigestUpdate(c.get(), &nul, 1) != 1 ||
        EVP_DigestUpdate(c.get(), bytes->data(), bytes->size()) != 1)
      return {};
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_DigestFinal_ex(c.get(), md, &n) != 1) return {};
  return hex(md, n);
}

bool sign_report(const std::filesystem::path& dir,
                 const std::filesystem::path& private_key_pem_file, std::string& error) {
  const auto results_path = dir / k_results;
  const auto text = ri::read_file(results_path);
  if (!text) {
    error = "[apipnr.harness.520] cannot read " + results_path.string();
    return false;
  }
  std::string why;
  const auto results = ri::parse_json(*text, why);
  if (!results) {
    error = "[apipnr.harness.520] " + results_path.string() + " is not JSON: " + why;
    return false;
  }
  const auto key_text = ri::read_file(private_key_pem_file);
  pkey_ptr key;
  if (key_text) {
    bio_ptr b(BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())));
    if (b) key.reset(PEM_read_bio_PrivateKey(b.get(), nullptr, no_passphrase, nullptr));
  }
  if (!key) {
    error = "[apipnr.harness.521] cannot read an unencrypted PEM private key from " +
            private_key_pem_file.string() +
            " (create one with: openssl genpkey -algorithm ed25519 -out key.pem)";
    return false;
  }
  if (!is_ed25519(key.get())) {
    error = "[apipnr.harness.522] " + private_key_pem_file.string() + " holds a " +
            std::string(EVP_PKEY_get0_type_name(key.get()) ? EVP_PKEY_get0_type_name(key.get())
                                                           : "non-Ed25519") +
            " key; reports are signed with Ed25519 only";
    return false;
  }
  std::error_code ec;
  const auto hashes = folder_hashes(dir, ec);
  if (ec) {
    error = "[apipnr.harness.525] cannot list " + dir.string() + ": " + ec.message();
    return false;
  }
  nlohmann::json manifest = nlohmann::json::object();
  for (const auto& [rel, h] : hashes) {
    if (!h) {
      error = "[apipnr.harness.525] cannot read " + (dir / rel).string();
      return false;
    }
    manifest[rel] = *h;
  }
  const std::string results_canonical = canonical_json(*results);
  const std::string message = signed_message(results_canonical, manifest);

  md_ctx_ptr ctx(EVP_MD_CTX_new());
  std::array<unsigned char, 64> sig{};
  std::size_t sig_len = sig.size();
  // Ed25519 hashes internally: no message digest (NULL md), one-shot EVP_DigestSign.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &sig_len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    error = "[apipnr.harness.523] OpenSSL could not sign with " + private_key_pem_file.string();
    return false;
  }
  const auto pem = public_key_pem(key.get());
  if (!pem) {
    error = "[apipnr.harness.523] OpenSSL could not export the public key";
    return false;
  }
  nlohmann::json out = {{"format", "apipnr-report-signature"},
                        {"format_version", 1},
                        {"algorithm", "Ed25519"},
                        {"public_key", *pem},
                        {"public_key_sha256", key_fingerprint(key.get())},
                        {"results_sha256", ri::sha256_hex(results_canonical)},
                        {"manifest", manifest},
                        {"signature", ri::base64_encode(std::string_view(
                                          reinterpret_cast<const char*>(sig.data()), sig_len))}};
  if (!ri::write_file(dir / k_signature, out.dump(2) + "\n", why)) {
    error = "[apipnr.harness.524] cannot write " + (dir / k_signature).string() + ": " + why;
    return false;
  }
  return true;
}

std::string to_string(const verify_finding& f) {
  std::string s = "[" + f.code + "] ";
  if (!f.file.empty()) s += f.file + ": ";
  return s + f.message;
}

verify_result verify_report(const std::filesystem::path& dir, const verify_options& opts) {
  verify_result r;
  auto problem = [&r](const char* code, std::string file, std::string message) {
    r.problems.push_back({code, std::move(file), std::move(message)});
  };
  std::string why;

  // signature.json: without it nothing else can be judged.
  const auto sig_text = ri::read_file(dir / k_signature);
  if (!sig_text) {
    problem("apipnr.harness.530", std::string(k_signature),
            "missing or unreadable: the folder " + dir.string() + " is not signed");
    return r;
  }
  const auto sig_doc = ri::parse_json(*sig_text, why);
  const std::string* algorithm = sig_doc ? string_member(*sig_doc, "algorithm") : nullptr;
  const std::string* pem = sig_doc ? string_member(*sig_doc, "public_key") : nullptr;
  const std::string* sig_b64 = sig_doc ? string_member(*sig_doc, "signature") : nullptr;
  const std::string* results_hash = sig_doc ? string_member(*sig_doc, "results_sha256") : nullptr;
  const nlohmann::json* manifest = nullptr;
  if (sig_doc && sig_doc->is_object() && sig_doc->contains("manifest") &&
      (*sig_doc)["manifest"].is_object())
    manifest = &(*sig_doc)["manifest"];
  if (!sig_doc || !algorithm || !pem || !sig_b64 || !results_hash || !manifest) {
    problem("apipnr.harness.530", std::string(k_signature),
            sig_doc ? "malformed: needs algorithm, public_key, results_sha256, manifest and "
                      "signature"
                    : "not JSON: " + why);
    return r;
  }
  if (*algorithm != "Ed25519") {
    problem("apipnr.harness.530", std::string(k_signature),
            "unsupported algorithm '" + *algorithm + "' (only Ed25519)");
    return r;
  }
  for (const auto& [rel, h] : manifest->items()) {
    if (!h.is_string()) {
      problem("apipnr.harness.530", std::string(k_signature),
              "manifest entry '" + rel + "' is not a hash string");
      return r;
    }
  }
  const pkey_ptr embedded = read_public_pem(*pem);
  if (!embedded || !is_ed25519(embedded.get())) {
    problem("apipnr.harness.530", std::string(k_signature),
            "public_key is not a PEM Ed25519 public key");
    return r;
  }
  r.signer_sha256 = key_fingerprint(embedded.get());

  // Files of the folder against the manifest: changed, missing and added files are each
  // named, so an evaluator sees exactly what moved.
  std::error_code ec;
  const auto on_disk = folder_hashes(dir, ec);
  if (ec) problem("apipnr.harness.534", "", "cannot list " + dir.string() + ": " + ec.message());
  for (const auto& [rel, h] : manifest->items()) {
    const auto it = on_disk.find(rel);
    if (it == on_disk.end()) {
      problem("apipnr.harness.534", rel, "signed file is missing");
    } else if (!it->second) {
      problem("apipnr.harness.534", rel, "signed file cannot be read");
    } else if (*it->second != h.get_ref<const std::string&>()) {
      problem("apipnr.harness.533", rel,
              "changed after signing (SHA-256 signed " +
                  short_hash(h.get_ref<const std::string&>()) + ", on disk " +
                  short_hash(*it->second) + ")");
    }
  }
  for (const auto& [rel, h] : on_disk)
    if (!manifest->contains(rel))
      problem("apipnr.harness.535", rel, "not covered by the signature (added after signing)");

  // results.json by content.
  bool results_intact = false;
  std::string results_canonical;
  const auto results_text = ri::read_file(dir / k_results);
  std::optional<nlohmann::json> results;
  if (!results_text) {
    problem("apipnr.harness.531", std::string(k_results), "missing or unreadable");
  } else if (!(results = ri::parse_json(*results_text, why))) {
    problem("apipnr.harness.531", std::string(k_results), "not JSON: " + why);
  } else {
    results_canonical = canonical_json(*results);
    const std::string h = ri::sha256_hex(results_canonical);
    if (h != *results_hash) {
      problem("apipnr.harness.532", std::string(k_results),
              "changed after signing (canonical SHA-256 signed " + short_hash(*results_hash) +
                  ", on disk " + short_hash(h) + ")");
    } else {
      results_intact = true;
    }
  }

  // The signature itself, over the signed content (only checkable while results.json is
  // unchanged: the signed bytes are not kept anywhere else).
  if (results_intact) {
    const auto sig = ri::base64_decode(*sig_b64);
    const std::string message = signed_message(results_canonical, *manifest);
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    const bool valid =
        sig && ctx &&
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, embedded.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()),
                         sig->size(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1;
    if (!valid) {
      problem("apipnr.harness.536", std::string(k_signature),
              "signature does not verify with the key it names: signature.json was altered "
              "after signing");
    } else if (!opts.public_key_file.empty()) {
      const auto trusted_text = ri::read_file(opts.public_key_file);
      const pkey_ptr trusted = trusted_text ? read_public_pem(*trusted_text) : nullptr;
      if (!trusted) {
        problem("apipnr.harness.538", opts.public_key_file.string(),
                "cannot read a PEM public key (export one with: openssl pkey -in key.pem "
                "-pubout)");
      } else if (EVP_PKEY_eq(trusted.get(), embedded.get()) != 1) {
        problem("apipnr.harness.537", std::string(k_signature),
                "signed with key " + short_hash(r.signer_sha256) + ", not with the trusted key " +
                    short_hash(key_fingerprint(trusted.get())) + " (" +
                    opts.public_key_file.string() + ")");
      } else {
        r.authenticated = true;
      }
    } else {
      r.notes.push_back("integrity only: no trusted public key given; signed with key " +
                        r.signer_sha256);
    }
  } else {
    r.notes.push_back("signature not checked: results.json is not the signed content");
  }

  // The corpus the run used, as recorded in (possibly tampered) results.json.
  if (!opts.corpus_dir.empty()) {
    const nlohmann::json* m = results && results->is_object() && results->contains("manifest")
                                  ? &(*results)["manifest"]
                                  : nullptr;
    const std::string* recorded = m ? string_member(*m, "corpus_sha256") : nullptr;
    const std::string actual = corpus_sha256(opts.corpus_dir);
    if (!recorded || recorded->empty()) {
      problem("apipnr.harness.540", std::string(k_results),
              "records no manifest.corpus_sha256 to check the corpus against");
    } else if (actual.empty()) {
      problem("apipnr.harness.540", opts.corpus_dir.string(), "corpus folder cannot be read");
    } else if (actual != *recorded) {
      problem("apipnr.harness.539", opts.corpus_dir.string(),
              "corpus differs from the one the run used (SHA-256 recorded " +
                  short_hash(*recorded) + ", on disk " + short_hash(actual) + ")");
    } else {
      r.notes.push_back("corpus matches manifest.corpus_sha256 " + actual);
    }
  } else {
    r.notes.push_back("corpus not checked (no corpus folder given)");
  }
  return r;
}

}  // namespace apipnr::harness

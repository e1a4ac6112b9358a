// Signed, offline-verifiable report folders (PRIOR_ART §5.8): Ed25519 over the evidence.
//
// `sign_report(dir, key)` writes dir/signature.json:
//   {
//     "format": "apipnr-report-signature", "format_version": 1,
//     "algorithm": "Ed25519",
//     "public_key": "-----BEGIN PUBLIC KEY-----\n...",      (SubjectPublicKeyInfo PEM)
//     "public_key_sha256": "<hex of the DER key>",           (fingerprint, for humans)
//     "results_sha256": "<hex of the canonical results.json>",
//     "manifest": {"cases/x.json": "<hex>", "junit.xml": "<hex>", "report.html": "<hex>"},
//     "signature": "<base64 of 64 bytes>"
//   }
// The signed message is the byte string
//   "apipnr-report-signature-v1\n" + canonical(results.json) + "\n" + canonical(manifest)
// where canonical(x) is nlohmann::json::dump() of the parsed value: keys sorted, no spaces,
// UTF-8 as is. results.json is therefore signed by content (re-indenting it is not a change
// of evidence; changing any value is), and every other regular file of the folder (recursively,
// '/'-separated relative paths, signature.json excepted) is signed by its SHA-256.
//
// `verify_report(dir, opts)` re-computes all of it and lists every problem it finds, each with
// its ID: results.json changed, a file changed / missing / added, a signature that does not
// verify, a signer other than the trusted key, and (given a corpus folder) a corpus whose
// SHA-256 differs from manifest.corpus_sha256 in results.json. The corpus digest is the one
// harness-core records (digest.hpp sha256_tree, no filter), reproduced here byte for byte
// so that verification needs neither the harness core nor the reference.
//
// Keys: PEM files as written by `openssl genpkey -algorithm ed25519` (private) and
// `openssl pkey -pubout` (public). Encrypted private keys are refused, never prompted for.
// Without a trusted public key, verify checks integrity against the key embedded in
// signature.json and says that authenticity was not established.
//
// Called from the CLI (apipnr-harness, harness/src/app):
//   `sign   --report-dir DIR --key KEY.pem`                      -> sign_report
//   `verify --report-dir DIR [--public-key PUB.pem] [--vectors DIR]` -> verify_report
//   (exit 0 when verify_result::ok(), else 1; unreadable inputs are findings too).
//
// Errors: no exceptions; IDs apipnr.harness.520-549 (docs/error-codes-harness-report.md).
// Thread safety: free functions without shared state (OpenSSL 3 is thread-safe).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace apipnr::harness {

// The canonical serialisation that is signed (sorted keys, no spaces).
std::string canonical_json(const nlohmann::json& j);

// SHA-256 of a tree exactly as harness-core's sha256_tree (digest.hpp) computes the corpus
// digest: for each regular file in byte order of its relative '/'-path: path, NUL, decimal
// size, NUL, bytes. Empty when `root` is not a readable folder.
std::string corpus_sha256(const std::filesystem::path& root);

// Signs report folder `dir` (which must hold results.json) with the Ed25519 private key in
// `private_key_pem_file`, writing dir/signature.json. False and `error` on failure.
bool sign_report(const std::filesystem::path& dir,
                 const std::filesystem::path& private_key_pem_file, std::string& error);

struct verify_options {
  // PEM public key the evaluator trusts; empty = integrity only (embedded key).
  std::filesystem::path public_key_file;
  // Corpus folder to check against manifest.corpus_sha256; empty = not checked.
  std::filesystem::path corpus_dir;
};

struct verify_finding {
  std::string code;     // "apipnr.harness.532"
  std::string file;     // the file concerned, relative to the report folder ("" = folder)
  std::string message;  // one line
};
// "[<code>] <file>: <message>" (file part omitted when empty).
std::string to_string(const verify_finding& f);

struct verify_result {
  std::vector<verify_finding> problems;  // empty = verified
  std::vector<std::string> notes;        // what was and was not checked (never a problem)
  std::string signer_sha256;             // fingerprint of the key in signature.json
  bool authenticated = false;            // signature verified with the trusted key
  bool ok() const noexcept { return problems.empty(); }
};

verify_result verify_report(const std::filesystem::path& dir, const verify_options& opts);

}  // namespace apipnr::harness

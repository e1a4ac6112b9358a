#include "apipnr/harness/signing.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "apipnr/harness/report_html.hpp"
#include "test_support_report.hpp"

#if defined(APIPNR_HAVE_HARNESS_CORE_DIGEST)
#include "apipnr/harness/digest.hpp"
#endif

namespace apipnr::harness {
namespace {

using json = nlohmann::json;
using report_test::slurp;
using report_test::spit;

// Runs the openssl CLI (as an evaluator would) and fails the test when it does not succeed.
void openssl(const std::string& args) {
  const std::string cli = APIPNR_OPENSSL_CLI;
  ASSERT_FALSE(cli.empty() || cli.find("NOTFOUND") != std::string::npos)
      << "the openssl command is needed by these tests";
  const std::string cmd = cli + " " + args + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

bool has(const verify_result& r, const std::string& code, const std::string& file = "") {
  for (const auto& p : r.problems)
    if (p.code == code && (file.empty() || p.file == file)) return true;
  return false;
}

std::string all(const verify_result& r) {
  std::string s;
  for (const auto& p : r.problems) s += to_string(p) + "\n";
  return s;
}

// A signed report folder as the harness leaves it: results.json (pinned to a small corpus),
// report.html, junit.xml and one per-case file; an Ed25519 key pair from the openssl CLI.
class SignedReport : public ::testing::Test {
 protected:
  void SetUp() override {
    report_ = s_.dir() / "report";
    corpus_ = s_.dir() / "vectors";
    spit(corpus_ / "edifact/syntax/una/cases.json", "{\"cases\": []}\n");
    spit(corpus_ / "edifact/syntax/una/y_default.edi", "UNA:+.? 'UNB+UNOA:4+S+R'");
    json results = report_test::fixture("results_zephyr.json");
    results["manifest"]["corpus_sha256"] = corpus_sha256(corpus_);
    spit(report_ / "results.json", results.dump(2) + "\n");
    std::string error;
    ASSERT_TRUE(write_report_html(report_ / "results.json", report_ / "report.html", {}, error))
        << error;
    spit(report_ / "junit.xml", "<testsuites/>\n");
    spit(report_ / "cases/edifact_syntax_una_1.json", "{}\n");
    key_ = s_.dir() / "key.pem";
    pub_ = s_.dir() / "pub.pem";
    openssl("genpkey -algorithm ed25519 -out " + key_.string());
    openssl("pkey -in " + key_.string() + " -pubout -out " + pub_.string());
  }

  void sign() {
    std::string error;
    ASSERT_TRUE(sign_report(report_, key_, error)) << error;
  }

  verify_result verify(bool with_corpus = true) {
    verify_options o;
    o.public_key_file = pub_;
    if (with_corpus) o.corpus_dir = corpus_;
    return verify_report(report_, o);
  }

  report_test::scratch s_;
  std::filesystem::path report_, corpus_, key_, pub_;
};

TEST_F(SignedReport, RoundTripVerifiesWithTheTrustedKeyAndCorpus) {
  sign();
  const auto r = verify();
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_TRUE(r.authenticated);
  EXPECT_EQ(r.signer_sha256.size(), 64u);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_EQ(r.notes.back().rfind("corpus matches", 0), 0u);
}

TEST_F(SignedReport, SignatureJsonCarriesKeyManifestAndSignature) {
  sign();
  const json sig = json::parse(slurp(report_ / "signature.json"));
  EXPECT_EQ(sig["algorithm"], "Ed25519");
  EXPECT_EQ(sig["public_key"].get<std::string>().rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_EQ(sig["signature"].get<std::string>().size(), 88u);  // 64 bytes in base64
  const json& m = sig["manifest"];
  EXPECT_EQ(m.size(), 3u);
  EXPECT_TRUE(m.contains("report.html"));
  EXPECT_TRUE(m.contains("junit.xml"));
  EXPECT_TRUE(m.contains("cases/edifact_syntax_una_1.json"));
  EXPECT_FALSE(m.contains("results.json"));
  // The manifest hash is the SHA-256 of the file bytes, as `sha256sum` prints it.
  openssl("dgst -sha256 -r -out " + (s_.dir() / "junit.sha").string() + " " +
          (report_ / "junit.xml").string());
  EXPECT_EQ(slurp(s_.dir() / "junit.sha").substr(0, 64), m["junit.xml"].get<std::string>());
}

TEST_F(SignedReport, DetectsATamperedResultsJson) {
  sign();
  json results = json::parse(slurp(report_ / "results.json"));
  results["cases"][1]["verdict"] = "pass";
  spit(report_ / "results.json", results.dump(2) + "\n");
  const auto r = verify();
  EXPECT_TRUE(has(r, "apipnr.harness.532", "results.json")) << all(r);
  EXPECT_FALSE(r.authenticated);
}

TEST_F(SignedReport, ReindentingResultsJsonIsNotTampering) {
  sign();
  spit(report_ / "results.json", json::parse(slurp(report_ / "results.json")).dump(4));
  const auto r = verify();
  EXPECT_TRUE(r.ok()) << all(r);
}

TEST_F(SignedReport, DetectsATamperedReportHtml) {
  sign();
  std::string html = slurp(report_ / "report.html");
  html.replace(html.find("Non-compliant"), 13, "Compliant    ");
  spit(report_ / "report.html", html);
  const auto r = verify();
  ASSERT_EQ(r.problems.size(), 1u) << all(r);
  EXPECT_EQ(r.problems[0].code, "apipnr.harness.533");
  EXPECT_EQ(r.problems[0].file, "report.html");
  EXPECT_NE(r.problems[0].message.find("changed after signing"), std::string::npos);
}

TEST_F(SignedReport, DetectsMissingAndAddedFiles) {
  sign();
  std::filesystem::remove(report_ / "junit.xml");
  spit(report_ / "cases/extra.json", "{}");
  const auto r = verify();
  EXPECT_TRUE(has(r, "apipnr.harness.534", "junit.xml")) << all(r);
  EXPECT_TRUE(has(r, "apipnr.harness.535", "cases/extra.json")) << all(r);
}

TEST_F(SignedReport, DetectsAChangedCorpus) {
  sign();
  spit(corpus_ / "edifact/syntax/una/y_default.edi", "UNA:+.? 'UNB+UNOA:4+S+X'");
  const auto r = verify();
  ASSERT_EQ(r.problems.size(), 1u) << all(r);
  EXPECT_EQ(r.problems[0].code, "apipnr.harness.539");
  EXPECT_NE(r.problems[0].message.find("corpus differs"), std::string::npos);
}

TEST_F(SignedReport, DetectsAnAddedCorpusFile) {
  sign();
  spit(corpus_ / "edifact/syntax/una/n_new.edi", "X");
  EXPECT_TRUE(has(verify(), "apipnr.harness.539"));
}

TEST_F(SignedReport, DetectsAWrongPublicKey) {
  sign();
  const auto other_key = s_.dir() / "other.pem", other_pub = s_.dir() / "other.pub.pem";
  openssl("genpkey -algorithm ed25519 -out " + other_key.string());
  openssl("pkey -in " + other_key.string() + " -pubout -out " + other_pub.string());
  verify_options o;
  o.public_key_file = other_pub;
  const auto r = verify_report(report_, o);
  EXPECT_TRUE(has(r, "apipnr.harness.537", "signature.json")) << all(r);
  EXPECT_FALSE(r.authenticated);
}

TEST_F(SignedReport, ResigningWithAnotherKeyIsCaughtByTheTrustedKey) {
  sign();
  json results = json::parse(slurp(report_ / "results.json"));
  results["compliance"] = "compliant";
  spit(report_ / "results.json", results.dump(2));
  const auto attacker = s_.dir() / "attacker.pem";
  openssl("genpkey -algorithm ed25519 -out " + attacker.string());
  std::string error;
  ASSERT_TRUE(sign_report(report_, attacker, error)) << error;
  EXPECT_TRUE(verify_report(report_, {}).ok());  // self-consistent: integrity only
  const auto r = verify();
  EXPECT_TRUE(has(r, "apipnr.harness.537")) << all(r);
}

TEST_F(SignedReport, DetectsASignatureJsonEditedToMatchATamperedFile) {
  sign();
  spit(report_ / "junit.xml", "<testsuites tests=\"0\"/>\n");
  json sig = json::parse(slurp(report_ / "signature.json"));
  sig["manifest"]["junit.xml"] = "0000000000000000000000000000000000000000000000000000000000000000";
  std::string fake = sig.dump(2);
  spit(report_ / "signature.json", fake);
  // Make the manifest entry agree with the file on disk, as a forger would.
  const auto r0 = verify();
  ASSERT_TRUE(has(r0, "apipnr.harness.533", "junit.xml"));
  const std::string msg = r0.problems[0].message;
  const std::string on_disk = msg.substr(msg.find("on disk ") + 8, 64);
  sig["manifest"]["junit.xml"] = on_disk;
  spit(report_ / "signature.json", sig.dump(2));
  const auto r = verify();
  EXPECT_FALSE(has(r, "apipnr.harness.533")) << all(r);
  EXPECT_TRUE(has(r, "apipnr.harness.536", "signature.json")) << all(r);
}

TEST_F(SignedReport, WithoutATrustedKeyOnlyIntegrityIsClaimed) {
  sign();
  const auto r = verify_report(report_, {});
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_FALSE(r.authenticated);
  ASSERT_GE(r.notes.size(), 2u);
  EXPECT_EQ(r.notes[0].rfind("integrity only", 0), 0u);
  EXPECT_EQ(r.notes[1].rfind("corpus not checked", 0), 0u);
}

TEST_F(SignedReport, AnUnsignedFolderIsReported) {
  const auto r = verify();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(to_string(r.problems[0]).rfind("[apipnr.harness.530] signature.json: missing", 0), 0u);
}

TEST_F(SignedReport, AMalformedSignatureJsonIsReported) {
  sign();
  spit(report_ / "signature.json", "{\"algorithm\": \"RSA\"}");
  const auto r = verify();
  EXPECT_TRUE(has(r, "apipnr.harness.530")) << all(r);
}

TEST_F(SignedReport, RefusesAKeyThatIsNotEd25519) {
  const auto ec = s_.dir() / "ec.pem";
  openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + ec.string());
  std::string error;
  EXPECT_FALSE(sign_report(report_, ec, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.522]", 0), 0u) << error;
  EXPECT_FALSE(std::filesystem::exists(report_ / "signature.json"));
}

TEST_F(SignedReport, RefusesAnEncryptedKeyWithoutPrompting) {
  const auto enc = s_.dir() / "enc.pem";
  openssl("genpkey -algorithm ed25519 -aes256 -pass pass:secret -out " + enc.string());
  std::string error;
  EXPECT_FALSE(sign_report(report_, enc, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.521]", 0), 0u) << error;
}

TEST_F(SignedReport, RefusesAFolderWithoutResults) {
  std::filesystem::remove(report_ / "results.json");
  std::string error;
  EXPECT_FALSE(sign_report(report_, key_, error));
  EXPECT_EQ(error.rfind("[apipnr.harness.520]", 0), 0u) << error;
}

TEST_F(SignedReport, AnUnreadableTrustedKeyIsReported) {
  sign();
  verify_options o;
  o.public_key_file = s_.dir() / "missing.pem";
  EXPECT_TRUE(has(verify_report(report_, o), "apipnr.harness.538"));
}

TEST(CanonicalJson, SortsKeysWithoutSpaces) {
  const json j = json::parse(R"({"b": [1, 2.5, "x"], "a": {"d": null, "c": true}})");
  EXPECT_EQ(canonical_json(j), R"({"a":{"c":true,"d":null},"b":[1,2.5,"x"]})");
}

TEST(CorpusDigest, KnownAnswer) {
  report_test::scratch s;
  spit(s.dir() / "a.txt", "hello");
  spit(s.dir() / "B.txt", "");
  spit(s.dir() / "sub/b.bin", std::string("\0\1", 2));
  // Computed independently (Python hashlib) from the algorithm stated in digest.hpp.
  EXPECT_EQ(corpus_sha256(s.dir()),
            "9c0887b09feaa9a9b99b9ec035d2fd476013f4d88a30c6148438ca8087e64869");
  EXPECT_EQ(corpus_sha256(s.dir() / "nope"), "");
}

#if defined(APIPNR_HAVE_HARNESS_CORE_DIGEST)
TEST(CorpusDigest, MatchesHarnessCoreOnTheRealCorpus) {
  const std::filesystem::path vectors(APIPNR_VECTORS_DIR);
  const std::string ours = corpus_sha256(vectors);
  ASSERT_EQ(ours.size(), 64u);
  EXPECT_EQ(ours, sha256_tree(vectors));
}
#endif

}  // namespace
}  // namespace apipnr::harness

namespace apipnr::harness {
namespace {

// Every [apipnr.harness.5NN] ID the library can produce has a row in the error-code page.
TEST(ErrorCodes, EveryReportIdIsDocumented) {
  const std::filesystem::path src(APIPNR_SOURCE_DIR);
  const std::string doc = report_test::slurp(src / "docs/error-codes-harness-report.md");
  ASSERT_FALSE(doc.empty());
  std::size_t ids = 0;
  for (const char* file :
       {"harness/src/report/report_html.cpp", "harness/src/report/signing.cpp"}) {
    const std::string code = report_test::slurp(src / file);
    for (auto at = code.find("apipnr.harness.5"); at != std::string::npos;
         at = code.find("apipnr.harness.5", at + 1)) {
      const std::string id = code.substr(at, 18);
      ++ids;
      EXPECT_NE(doc.find("| `" + id + "` |"), std::string::npos) << id << " (" << file << ")";
    }
  }
  EXPECT_GT(ids, 20u);
}

}  // namespace
}  // namespace apipnr::harness

#include "apipnr/validate/inputs.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace apipnr::validate {
namespace {

namespace fs = std::filesystem;

class ValidateInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("apipnr_validate_inputs_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "b" / "deeper");
    fs::create_directories(root_ / ".hidden");
    write("b/deeper/z.edi", "UNB");
    write("b/a.edi", "UNB");
    write("a.xml", "<a/>");
    write("cases.json", "[]");
    write(".hidden/x.edi", "UNB");
    write(".dotfile", "x");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }
  fs::path root_;
};

TEST_F(ValidateInputs, FoldersAreWalkedSortedAndSkipNonMessages) {
  const auto list = collect_inputs({root_.string()});
  ASSERT_TRUE(list.errors.empty());
  std::vector<std::string> names;
  for (const auto& i : list.inputs)
    names.push_back(fs::path(i.name).lexically_relative(root_).generic_string());
  EXPECT_EQ(names, (std::vector<std::string>{"a.xml", "b/a.edi", "b/deeper/z.edi"}));
}

TEST_F(ValidateInputs, MissingPathIsError001AndStdinIsKept) {
  const auto list = collect_inputs({(root_ / "nope.edi").string(), "-"});
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_EQ(list.errors[0].rfind("[apipnr.validate.001] cannot read ", 0), 0u) << list.errors[0];
  ASSERT_EQ(list.inputs.size(), 1u);
  EXPECT_TRUE(list.inputs[0].is_stdin);
}

TEST_F(ValidateInputs, FolderWithoutMessagesIsError003) {
  fs::create_directories(root_ / "empty");
  write("empty/notes.md", "x");
  const auto list = collect_inputs({(root_ / "empty").string()});
  ASSERT_EQ(list.errors.size(), 1u);
  EXPECT_NE(list.errors[0].find("[apipnr.validate.003]"), std::string::npos);
}

TEST_F(ValidateInputs, ExplicitJsonFileIsTaken) {
  const auto list = collect_inputs({(root_ / "cases.json").string()});
  EXPECT_EQ(list.inputs.size(), 1u);
}

TEST_F(ValidateInputs, ReadInputReturnsBytesOrError001) {
  std::string err;
  const auto bytes = read_input({(root_ / "b/a.edi").string(), false}, err);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, "UNB");
  EXPECT_FALSE(read_input({(root_ / "gone").string(), false}, err));
  EXPECT_EQ(err.rfind("[apipnr.validate.001] cannot read ", 0), 0u) << err;
  EXPECT_FALSE(read_input({root_.string(), false}, err));
  EXPECT_NE(err.find("is a directory"), std::string::npos);
}

TEST(ValidateContent, EmptyAndBinaryAreNamed) {
  EXPECT_EQ(content_problem(""), "empty input");
  EXPECT_EQ(content_problem(std::string("UNB\0x", 5)), "binary input (NUL bytes)");
  EXPECT_FALSE(content_problem("UNA:+.? '"));
}

TEST(ValidateSha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace apipnr::validate

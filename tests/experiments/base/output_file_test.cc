// WriteFile (experiments/base/output_file.h): a regular file is replaced all or nothing, through a
// temporary file beside it that never outlives the call; links and devices are written in place.
#include "experiments/base/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace dispatchlab {
namespace {

namespace fs = std::filesystem;

struct Folder {
  Folder() {
    std::string pattern = (fs::temp_directory_path() / "dispatchlab-output-file-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~Folder() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
  std::set<std::string> Entries() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(path)) names.insert(entry.path().filename().string());
    return names;
  }
  std::string path;
};

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

TEST_CASE("ParentDirectory names the folder a path's entry is in", "[output]") {
  CHECK(ParentDirectory("a/b/c") == "a/b");
  CHECK(ParentDirectory("a/b/") == "a");
  CHECK(ParentDirectory("c") == ".");
  CHECK(ParentDirectory("/c") == "/");
  CHECK(ParentDirectory("/") == "/");
}

TEST_CASE("WriteFile makes a new file with mode 0644 less the umask, and leaves nothing else", "[output]") {
  Folder dir;
  REQUIRE(!dir.path.empty());
  const std::string file = dir.path + "/out.txt";
  const mode_t mask = umask(022);
  REQUIRE(WriteFile(file, "new contents\n").ok());
  umask(mask);
  CHECK(Read(file) == "new contents\n");
  CHECK((ModeOf(file) & 07777) == 0644);
  CHECK(dir.Entries() == std::set<std::string>{"out.txt"});
}

TEST_CASE("WriteFile replaces an existing file whole and keeps its mode", "[output]") {
  Folder dir;
  REQUIRE(!dir.path.empty());
  const std::string file = dir.path + "/kept.out";
  { std::ofstream(file) << "an old and much longer profile that must not survive in part"; }
  REQUIRE(chmod(file.c_str(), 0600) == 0);
  REQUIRE(WriteFile(file, "short").ok());
  CHECK(Read(file) == "short");
  CHECK((ModeOf(file) & 07777) == 0600);
  CHECK(dir.Entries() == std::set<std::string>{"kept.out"});
}

TEST_CASE("WriteFile writes through a symbolic link and into a device, leaving both as they are",
          "[output]") {
  Folder dir;
  REQUIRE(!dir.path.empty());
  const std::string target = dir.path + "/target";
  const std::string link = dir.path + "/link";
  { std::ofstream(target) << "old"; }
  REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
  REQUIRE(WriteFile(link, "through the link").ok());
  CHECK(S_ISLNK(ModeOf(link)));
  CHECK(Read(target) == "through the link");
  CHECK(dir.Entries() == std::set<std::string>{"link", "target"});

  REQUIRE(WriteFile("/dev/null", "discarded").ok());
  CHECK(S_ISCHR(ModeOf("/dev/null")));
}

TEST_CASE("WriteFile names the file it could not write and creates nothing", "[output]") {
  Folder dir;
  REQUIRE(!dir.path.empty());
  const std::string file = dir.path + "/missing/out.txt";
  const absl::Status status = WriteFile(file, "x");
  REQUIRE_FALSE(status.ok());
  CHECK(std::string(status.message()).find("cannot write " + file + ": ") == 0);
  CHECK(dir.Entries().empty());
  // A device that refuses the bytes: the error comes from the write, in place.
  const absl::Status full = WriteFile("/dev/full", "x");
  REQUIRE_FALSE(full.ok());
  CHECK(std::string(full.message()).find("cannot write /dev/full: No space left on device") == 0);
}

}  // namespace
}  // namespace dispatchlab

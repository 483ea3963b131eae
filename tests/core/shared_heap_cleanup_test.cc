// No leftovers: file-backed arenas leave nothing in their directory after a run, an error, a SIGTERM or
// SIGINT while a name is pending (the handler unlinks it and re-raises), or a SIGKILL after mapping.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/shared_heap.h"
#include "core/shm_names.h"

namespace dispatchlab {
namespace {

// A fresh directory under /tmp, removed (with anything left in it) at scope exit.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/dispatchlab-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    for (const std::string& name : Entries()) unlink((path_ + "/" + name).c_str());
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    DIR* dir = opendir(path_.c_str());
    if (dir == nullptr) return names;
    while (dirent* entry = readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
        names.push_back(entry->d_name);
      }
    }
    closedir(dir);
    return names;
  }

 private:
  std::string path_;
};

// Our names in /dev/shm created by process `pid` (so other runs on the machine do not disturb the test).
std::vector<std::string> ShmNamesOf(pid_t pid) {
  std::string prefix = std::string(shm::NamePrefix()) + std::to_string(pid) + "-";
  std::vector<std::string> names;
  DIR* dir = opendir("/dev/shm");
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    if (std::strncmp(entry->d_name, prefix.c_str(), prefix.size()) == 0) names.push_back(entry->d_name);
  }
  closedir(dir);
  return names;
}

std::unique_ptr<SharedHeap> FileHeap(const std::string& dir) {
  HeapOptions options;
  options.backend = Backend::kFile;
  options.tempdir = dir;
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
  REQUIRE(heap.ok());
  return std::move(*heap);
}

TEST_CASE("File arenas are unlinked as soon as they exist and no name stays registered") {
  TempDir dir;
  std::unique_ptr<SharedHeap> heap = FileHeap(dir.path());
  absl::StatusOr<Block> block = heap->Allocate(3 << 20);
  REQUIRE(block.ok());
  block->data[block->size - 1] = 1;
  CHECK(dir.Entries().empty());
  CHECK(shm::PendingNameCount() == 0);
  heap->Free(*block);
  heap.reset();
  CHECK(dir.Entries().empty());
}

TEST_CASE("shm arenas leave nothing in /dev/shm after a run") {
  HeapOptions options;
  options.backend = Backend::kShm;
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
  REQUIRE(heap.ok());
  std::vector<Block> blocks;
  for (int i = 0; i < 8; ++i) blocks.push_back(*(*heap)->Allocate(size_t{100000} << i));
  CHECK((*heap)->arena_count() > 1);
  CHECK(ShmNamesOf(getpid()).empty());
  for (const Block& block : blocks) (*heap)->Free(block);
  CHECK(ShmNamesOf(getpid()).empty());
}

TEST_CASE("A missing temp directory is a clear error and creates nothing") {
  HeapOptions options;
  options.backend = Backend::kFile;
  options.tempdir = "/nonexistent/dispatchlab-dir";
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
  REQUIRE_FALSE(heap.ok());
  CHECK(heap.status().message().find("/nonexistent/dispatchlab-dir") != absl::string_view::npos);
  CHECK(shm::PendingNameCount() == 0);
}

// Forks a child that creates a file in `dir` and keeps its name pending (not unlinked), tells the parent
// through a pipe, and waits to be killed with `sig`. Returns the child's wait status.
int KillChildHoldingPendingName(const std::string& dir, int sig) {
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(ready[0]);
    // The test framework's own fatal-signal handlers would report a crash from the child; give the child
    // the dispositions a CLI process has, and let the registry install its handler over them.
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    absl::StatusOr<shm::PendingFile> file = shm::CreatePendingFileForTest(dir);
    char byte = file.ok() ? 1 : 0;
    if (write(ready[1], &byte, 1) != 1) _exit(3);
    if (!file.ok()) _exit(2);
    for (;;) pause();
  }
  close(ready[1]);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);
  REQUIRE(byte == 1);
  CHECK(dir.empty() == false);
  kill(child, sig);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return status;
}

TEST_CASE("SIGTERM and SIGINT unlink a pending name and still kill the process") {
  for (int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    TempDir dir;
    int status = KillChildHoldingPendingName(dir.path(), sig);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);  // re-raised with the default action: the parent sees the signal
    CHECK(dir.Entries().empty());
  }
}

TEST_CASE("The pending file really exists until the handler runs") {
  // The control for the test above: without a signal the name is there, so an empty directory after the
  // signal is the handler's doing.
  TempDir dir;
  absl::StatusOr<shm::PendingFile> file = shm::CreatePendingFileForTest(dir.path());
  REQUIRE(file.ok());
  CHECK(dir.Entries().size() == 1);
  CHECK(shm::PendingNameCount() == 1);
  unlink(file->path.c_str());
  close(file->fd);
  shm::UnregisterPendingName(file->slot);
  CHECK(shm::PendingNameCount() == 0);
  CHECK(dir.Entries().empty());
}

TEST_CASE("A child killed with SIGKILL while holding mapped arenas leaves nothing behind") {
  TempDir dir;
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(ready[0]);
    HeapOptions options;
    options.backend = Backend::kFile;
    options.tempdir = dir.path();
    absl::StatusOr<std::unique_ptr<SharedHeap>> file_heap = SharedHeap::Create(options);
    options.backend = Backend::kShm;
    absl::StatusOr<std::unique_ptr<SharedHeap>> shm_heap = SharedHeap::Create(options);
    bool ok = file_heap.ok() && shm_heap.ok() && (*file_heap)->Allocate(1 << 20).ok() &&
              (*shm_heap)->Allocate(1 << 20).ok();
    char byte = ok ? 1 : 0;
    if (write(ready[1], &byte, 1) != 1) _exit(3);
    for (;;) pause();
  }
  close(ready[1]);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);
  CHECK(byte == 1);
  kill(child, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(dir.Entries().empty());
  CHECK(ShmNamesOf(child).empty());
}

}  // namespace
}  // namespace dispatchlab

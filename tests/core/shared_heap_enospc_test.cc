// A full file system is a clean ResourceExhausted error naming the directory and the size, never a SIGBUS:
// a 10-million-element c_int array (40 MB) on a 1 MiB tmpfs. Needs root to mount the tmpfs; skipped with a
// message otherwise.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "core/shared_heap.h"
#include "core/shm_names.h"

namespace dispatchlab {
namespace {

// A 1 MiB tmpfs mounted on a fresh directory; unmounted and removed at scope exit, whatever happened.
class SmallTmpfs {
 public:
  SmallTmpfs() {
    char tmpl[] = "/tmp/dispatchlab-tmpfs-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      why_not_ = std::string("mkdtemp failed: ") + std::strerror(errno);
      return;
    }
    path_ = tmpl;
    if (geteuid() != 0) {
      why_not_ = "not root: cannot mount a 1 MiB tmpfs";
      return;
    }
    if (mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=1m,mode=0700") != 0) {
      why_not_ = std::string("mount -t tmpfs -o size=1m failed: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~SmallTmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
    if (!path_.empty()) rmdir(path_.c_str());
  }
  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }
  const std::string& path() const { return path_; }
  bool Empty() const {
    DIR* dir = opendir(path_.c_str());
    if (dir == nullptr) return false;
    int entries = 0;
    while (dirent* entry = readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) ++entries;
    }
    closedir(dir);
    return entries == 0;
  }

 private:
  std::string path_;
  std::string why_not_;
  bool mounted_ = false;
};

TEST_CASE("A 40 MB array on a 1 MiB tmpfs is ResourceExhausted naming the directory and the size") {
  SmallTmpfs tmpfs;
  if (!tmpfs.mounted()) {
    WARN("skipped: " << tmpfs.why_not());
    return;
  }
  for (ArenaFill fill : {ArenaFill::kFtruncate, ArenaFill::kWriteZeros}) {
    INFO("fill " << (fill == ArenaFill::kFtruncate ? "ftruncate" : "write zeros"));
    HeapOptions options;
    options.backend = Backend::kFile;
    options.tempdir = tmpfs.path();
    options.fill = fill;
    absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
    REQUIRE(heap.ok());
    const size_t bytes = size_t{10000000} * sizeof(int);
    absl::StatusOr<Block> block = (*heap)->Allocate(bytes);
    REQUIRE_FALSE(block.ok());
    CHECK(block.status().code() == absl::StatusCode::kResourceExhausted);
    std::string message(block.status().message());
    INFO(message);
    CHECK(message.find(tmpfs.path()) != std::string::npos);
    CHECK(message.find("40000000") != std::string::npos);
    CHECK(message.find("ENOSPC") != std::string::npos);
    CHECK((*heap)->arena_count() == 0);
    CHECK(tmpfs.Empty());
    CHECK(shm::PendingNameCount() == 0);
    // The heap still works for what fits.
    absl::StatusOr<Block> small = (*heap)->Allocate(4096);
    REQUIRE(small.ok());
    std::memset(small->data, 1, small->size);
    (*heap)->Free(*small);
  }
  CHECK(tmpfs.Empty());
}

TEST_CASE("ftruncate alone on a full tmpfs dies of SIGBUS on first touch: why space is reserved") {
  SmallTmpfs tmpfs;
  if (!tmpfs.mounted()) {
    WARN("skipped: " << tmpfs.why_not());
    return;
  }
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::string path = tmpfs.path() + "/sparse";
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) _exit(2);
    unlink(path.c_str());
    const size_t bytes = size_t{10000000} * sizeof(int);
    if (ftruncate(fd, bytes) != 0) _exit(3);  // succeeds: the file is sparse
    char* data = static_cast<char*>(mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    if (data == MAP_FAILED) _exit(4);
    for (size_t i = 0; i < bytes; i += 4096) data[i] = 1;  // the page past 1 MiB cannot be backed
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGBUS);
  CHECK(tmpfs.Empty());
}

}  // namespace
}  // namespace dispatchlab

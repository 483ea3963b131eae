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
#include "tests/core/shared_heap_tmpfs.h"

namespace dispatchlab {
namespace {

using testing::SmallTmpfs;

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
    CHECK((tmpfs.EntryCount() == 0));
    CHECK(shm::PendingNameCount() == 0);
    // The heap still works for what fits.
    absl::StatusOr<Block> small = (*heap)->Allocate(4096);
    REQUIRE(small.ok());
    std::memset(small->data, 1, small->size);
    (*heap)->Free(*small);
  }
  CHECK((tmpfs.EntryCount() == 0));
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
    signal(SIGBUS, SIG_DFL);  // a sanitizer's handler would turn the signal into an exit status
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
  CHECK((tmpfs.EntryCount() == 0));
}

}  // namespace
}  // namespace dispatchlab

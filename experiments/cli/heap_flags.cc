#include "experiments/cli/heap_flags.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"

namespace dispatchlab::cli {

const std::vector<FlagSpec>& HeapFlagSpecs() {
  static const std::vector<FlagSpec> flags = {
      {"backend", "B", "memory of shared arrays: anon, shm (/dev/shm), file (--tempdir) or private", "anon"},
      {"tempdir", "DIR", "directory of the file backend's arenas", "$TMPDIR or /tmp"},
      {"arenas", "V", "arena creation and growth of cpython36, cpython37 or cpython38", "cpython38"},
  };
  return flags;
}

absl::Status CheckTempdir(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("--tempdir=", dir, ": not a directory"));
  }
  // access() says yes to root on read-only and virtual file systems (/proc): create and remove a file.
  std::string probe = absl::StrCat(dir, "/.dispatchlab-probe-XXXXXX");
  const int fd = mkstemp(probe.data());
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tempdir=", dir, ": cannot create a file there (", std::strerror(errno), ")"));
  }
  close(fd);
  unlink(probe.c_str());
  return absl::OkStatus();
}

absl::StatusOr<HeapOptions> HeapOptionsFromArgs(const ParsedArgs& args) {
  HeapOptions options;
  absl::StatusOr<Backend> backend = BackendFromName(args.Get("backend", "anon"));
  if (!backend.ok())
    return absl::InvalidArgumentError(absl::StrCat("--backend: ", backend.status().message()));
  options.backend = *backend;
  if (args.Has("tempdir")) {
    if (options.backend != Backend::kFile) {
      return absl::InvalidArgumentError("--tempdir only applies to --backend=file");
    }
    options.tempdir = args.Get("tempdir");
    if (absl::Status dir = CheckTempdir(options.tempdir); !dir.ok()) return dir;
  }
  absl::StatusOr<std::string> arenas =
      ParseChoice("arenas", args.Get("arenas", "cpython38"), {"cpython36", "cpython37", "cpython38"});
  if (!arenas.ok()) return arenas.status();
  options.fill = *arenas == "cpython36" ? ArenaFill::kWriteZeros : ArenaFill::kFtruncate;
  options.cap_arena_doubling = *arenas == "cpython38";
  absl::StatusOr<std::unique_ptr<SharedHeap>> probe = SharedHeap::Create(options);
  if (!probe.ok()) return probe.status();
  return options;
}

absl::Status InstallHeapFromArgs(const ParsedArgs& args) {
  absl::StatusOr<HeapOptions> options = HeapOptionsFromArgs(args);
  if (!options.ok()) return options.status();
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(*options);
  if (!heap.ok()) return heap.status();
  SetDefaultHeap(std::move(*heap));
  return absl::OkStatus();
}

}  // namespace dispatchlab::cli

#include "experiments/cli/heap_flags.h"

#include <unistd.h>

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

absl::StatusOr<HeapOptions> HeapOptionsFromArgs(const ParsedArgs& args) {
  HeapOptions options;
  absl::StatusOr<Backend> backend = BackendFromName(args.Get("backend", "anon"));
  if (!backend.ok()) return absl::InvalidArgumentError(absl::StrCat("--backend: ", backend.status().message()));
  options.backend = *backend;
  if (args.Has("tempdir")) {
    if (options.backend != Backend::kFile) {
      return absl::InvalidArgumentError("--tempdir only applies to --backend=file");
    }
    options.tempdir = args.Get("tempdir");
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

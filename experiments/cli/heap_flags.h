// The heap flags every command that allocates takes: --backend, --tempdir and --arenas. A command adds
// HeapFlagSpecs() to its CommandSpec flags and calls InstallHeapFromArgs() before it runs anything, so
// every RawArray of the run comes from the chosen backend (core/shared_heap.h, docs/shared-memory.md).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_HEAP_FLAGS_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_HEAP_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/shared_heap.h"
#include "experiments/cli/args.h"

namespace dispatchlab::cli {

// --backend=anon|shm|file|private (default anon), --tempdir=DIR (the file backend's directory),
// --arenas=cpython36|cpython37|cpython38 (how arenas are made and grown; default cpython38):
//   cpython36  zeros written in 1 MiB chunks, arenas double without limit
//   cpython37  ftruncate (space still reserved with posix_fallocate), arenas double without limit
//   cpython38  ftruncate, doubling capped at 4 MiB, wholly free arenas of 4 MiB or more unmapped
const std::vector<FlagSpec>& HeapFlagSpecs();

// The options the flags ask for. InvalidArgument (naming the flag) for a bad value, a --tempdir without
// --backend=file, or a directory that is not writable.
// --tempdir: an existing directory this process can create files in (checked by creating one), else
// InvalidArgument naming it.
absl::Status CheckTempdir(const std::string& dir);

absl::StatusOr<HeapOptions> HeapOptionsFromArgs(const ParsedArgs& args);

// Creates the heap the flags ask for and makes it the DefaultHeap() of the process.
absl::Status InstallHeapFromArgs(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_HEAP_FLAGS_H_

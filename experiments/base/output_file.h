// The one way dispatchlab writes an output file (report files, a kept raw profile): every write, the
// final close included, is checked, so a full disk or an I/O error is an error status naming the file,
// never a silently short file. Standard output is checked once for every command by the CLI's frame
// (experiments/cli/process_io.h).
#ifndef DISPATCHLAB_EXPERIMENTS_OUTPUT_FILE_H_
#define DISPATCHLAB_EXPERIMENTS_OUTPUT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dispatchlab {

// Writes `contents` to `path` (a new file: mode 0644 before umask; an existing one keeps its mode). A
// regular file or a new one is written all or nothing: a temporary file beside it, renamed over it at the
// end, so that a failure leaves the old file (or none), never a truncated one. Anything else (a symbolic
// link, a device such as /dev/stdout, a fifo) is written in place. On failure, Internal
// "cannot write PATH: <strerror>".
absl::Status WriteFile(const std::string& path, absl::string_view contents);

// The folder a path names its entry in: "a/b/c" -> "a/b", "a/b/" -> "a", "c" -> ".", "/c" -> "/".
std::string ParentDirectory(const std::string& path);

// WriteFile(to, contents of `from`).
absl::Status CopyFile(const std::string& from, const std::string& to);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_OUTPUT_FILE_H_

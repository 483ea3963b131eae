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

// Creates or truncates `path` (mode 0644 before umask) and writes `contents`. On failure, Internal
// "cannot write PATH: <strerror>", and a file this call created is removed.
absl::Status WriteFile(const std::string& path, absl::string_view contents);

// WriteFile(to, contents of `from`).
absl::Status CopyFile(const std::string& from, const std::string& to);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_OUTPUT_FILE_H_

// Writing the report's files all or nothing: the files go to a fresh temporary directory inside the
// target (or beside it, in its parent, when it does not exist yet: the same file system either way), and
// are renamed into place at the end, once every name was checked; on any failure the temporary directory
// is removed, so a failed or refused run leaves no partial report.
#ifndef DISPATCHLAB_EXPERIMENTS_REPORT_OUTPUT_DIR_H_
#define DISPATCHLAB_EXPERIMENTS_REPORT_OUTPUT_DIR_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace dispatchlab::report {

// Checks, before anything is measured, that `dir` can receive the report: not empty; if it exists it is
// a writable directory; otherwise its parent is an existing writable directory. InvalidArgument naming
// the problem otherwise.
// Each of `names` that already exists in `dir` must be a regular file (checked with lstat), so the final
// renames cannot fail half way.
absl::Status CheckOutputDir(const std::string& dir, const std::vector<std::string>& names = {});

// Writes (name, contents) pairs into `dir` all or nothing. When `dir` does not exist the temporary
// directory is renamed to it; when it exists each file is renamed into it (replacing files of the same
// name, leaving others). Internal error on an I/O failure, with nothing left behind. SIGINT, SIGTERM and
// SIGHUP are held while the files are written and renamed, so an interrupt cannot leave a temporary
// directory behind either.
absl::Status WriteFilesAtomically(const std::string& dir,
                                  const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_OUTPUT_DIR_H_

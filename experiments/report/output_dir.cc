#include "experiments/report/output_dir.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "experiments/base/output_file.h"

namespace dispatchlab::report {

namespace {

std::string Trimmed(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d;
}

// A directory we can create entries in: checked by creating (and removing) a temporary directory, because
// access() says yes to root on read-only or virtual file systems.
bool IsWritableDirectory(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  std::string probe = absl::StrCat(path, "/.dispatchlab-probe-XXXXXX");
  if (mkdtemp(probe.data()) == nullptr) return false;
  rmdir(probe.c_str());
  return true;
}

void RemoveTree(const std::string& tmp, const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, contents] : files) std::remove(absl::StrCat(tmp, "/", name).c_str());
  rmdir(tmp.c_str());
}

}  // namespace

// Each output name inside an existing target must be absent or a regular file (lstat: a directory, a
// symbolic link or a FIFO of that name would make its rename fail, or write elsewhere, after other files
// were already replaced).
absl::Status CheckReplaceable(const std::string& target, const std::string& dir,
                              const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    struct stat st;
    const std::string path = absl::StrCat(target, "/", name);
    if (lstat(path.c_str(), &st) != 0) continue;
    if (!S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--out=", dir, ": ", name, " exists there and is not a regular file"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOutputDir(const std::string& dir, const std::vector<std::string>& names) {
  if (dir.empty()) return absl::InvalidArgumentError("--out: empty directory name");
  const std::string target = Trimmed(dir);
  struct stat st;
  if (lstat(target.c_str(), &st) == 0) {
    // A symbolic link to a directory is followed (the files go where it points); to anything else, or
    // dangling, it is refused rather than replaced.
    if (S_ISLNK(st.st_mode) && stat(target.c_str(), &st) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("--out=", dir, ": a symbolic link to nothing"));
    }
    if (!S_ISDIR(st.st_mode))
      return absl::InvalidArgumentError(absl::StrCat("--out=", dir, ": not a directory"));
    if (!IsWritableDirectory(target)) {
      return absl::InvalidArgumentError(absl::StrCat("--out=", dir, ": directory is not writable"));
    }
    return CheckReplaceable(target, dir, names);
  }
  if (errno != ENOENT) {
    return absl::InvalidArgumentError(absl::StrCat("--out=", dir, ": ", std::strerror(errno)));
  }
  const std::string parent = ParentDirectory(target);
  if (!IsWritableDirectory(parent)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out=", dir, ": parent directory ", parent, " does not exist or is not writable"));
  }
  return absl::OkStatus();
}

namespace {

// Holds SIGINT, SIGTERM and SIGHUP for a scope: an interrupt during the few milliseconds of writing and
// renaming is delivered after the temporary directory is gone, never in between.
class ScopedBlockInterrupts {
 public:
  ScopedBlockInterrupts() {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &saved_);
  }
  ~ScopedBlockInterrupts() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }
  ScopedBlockInterrupts(const ScopedBlockInterrupts&) = delete;
  ScopedBlockInterrupts& operator=(const ScopedBlockInterrupts&) = delete;

 private:
  sigset_t saved_;
};

absl::Status WriteAndRename(const std::string& dir,
                            const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace

absl::Status WriteFilesAtomically(const std::string& dir,
                                  const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> names;
  for (const auto& [name, contents] : files) names.push_back(name);
  if (absl::Status s = CheckOutputDir(dir, names); !s.ok()) return s;
  ScopedBlockInterrupts hold;
  return WriteAndRename(dir, files);
}

namespace {

absl::Status WriteAndRename(const std::string& dir,
                            const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string target = Trimmed(dir);
  // The temporary directory is made inside an existing target (through a symbolic link too), else beside
  // it: on the target's own file system either way, so no rename can fail with EXDEV at the end.
  struct stat target_st;
  const bool target_exists = stat(target.c_str(), &target_st) == 0;
  std::string pattern =
      absl::StrCat(target_exists ? target : ParentDirectory(target), "/.dispatchlab-partial-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot create a temporary directory beside ", dir, ": ", std::strerror(errno)));
  }
  const std::string tmp = pattern;
  chmod(tmp.c_str(), 0755);  // mkdtemp makes it 0700; the report is meant to be read
  for (const auto& [name, contents] : files) {
    const std::string path = absl::StrCat(tmp, "/", name);
    if (absl::Status written = WriteFile(path, contents); !written.ok()) {
      RemoveTree(tmp, files);
      // Named as the user's file, not the hidden folder it was being written in.
      return absl::InternalError(absl::StrReplaceAll(written.message(), {{tmp, target}}));
    }
  }
  if (!target_exists) {
    if (rename(tmp.c_str(), target.c_str()) == 0) return absl::OkStatus();
    const std::string error = std::strerror(errno);
    RemoveTree(tmp, files);
    return absl::InternalError(absl::StrCat("cannot rename the report into ", dir, ": ", error));
  }
  for (const auto& [name, contents] : files) {
    const std::string from = absl::StrCat(tmp, "/", name);
    const std::string to = absl::StrCat(target, "/", name);
    if (rename(from.c_str(), to.c_str()) != 0) {
      const std::string error = std::strerror(errno);
      RemoveTree(tmp, files);
      return absl::InternalError(absl::StrCat("cannot move ", name, " into ", dir, ": ", error));
    }
  }
  rmdir(tmp.c_str());
  return absl::OkStatus();
}

}  // namespace

}  // namespace dispatchlab::report

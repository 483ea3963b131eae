#include "experiments/base/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dispatchlab {

namespace {

// Writes all of `contents` to `fd` and closes it: 0, or the first errno.
int WriteAllAndClose(int fd, absl::string_view contents) {
  int error = 0;
  for (size_t done = 0; done < contents.size() && error == 0;) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
    } else {
      done += static_cast<size_t>(n);
    }
  }
  if (close(fd) != 0 && error == 0) error = errno;
  return error;
}

absl::Status CannotWrite(const std::string& path, int error) {
  return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(error)));
}

}  // namespace

std::string ParentDirectory(const std::string& path) {
  std::string d = path;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  const size_t slash = d.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return d.substr(0, slash);
}

absl::Status WriteFile(const std::string& path, absl::string_view contents) {
  struct stat st;
  const bool existed = lstat(path.c_str(), &st) == 0;
  // Anything but a regular file (a symbolic link, /dev/stdout, a fifo) is written in place: replacing it
  // by a rename would replace the link or the device node itself.
  if (existed && !S_ISREG(st.st_mode)) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return CannotWrite(path, errno);
    const int error = WriteAllAndClose(fd, contents);
    return error == 0 ? absl::OkStatus() : CannotWrite(path, error);
  }
  // A regular file, or none: all or nothing. The contents go to a temporary file beside it, which is
  // renamed over it only once every byte is written, so a full disk or an interrupt leaves the old file
  // (or no file) in place, never a truncated one.
  std::string temporary = absl::StrCat(ParentDirectory(path), "/.dispatchlab-write-XXXXXX");
  const int fd = mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return CannotWrite(path, errno);
  mode_t mode = 0644;
  if (existed) {
    mode = st.st_mode & 07777;  // the file keeps its permissions
  } else {
    const mode_t mask = umask(0);
    umask(mask);
    mode &= ~mask;
  }
  fchmod(fd, mode);
  int error = WriteAllAndClose(fd, contents);
  if (error == 0 && rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error == 0) return absl::OkStatus();
  unlink(temporary.c_str());
  return CannotWrite(path, error);
}

absl::Status CopyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot read ", from));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat("cannot read ", from));
  return WriteFile(to, contents.str());
}

}  // namespace dispatchlab

#include "experiments/cli/process_io.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "absl/strings/str_format.h"
#include "experiments/cli/args.h"

namespace dispatchlab::cli {

namespace {

// Reopens `fd` on /dev/null when it is closed; true when it was closed.
bool ReopenIfClosed(int fd, int flags) {
  if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) return false;
  const int null_fd = open("/dev/null", flags | O_CLOEXEC);
  if (null_fd >= 0 && null_fd != fd) {
    dup2(null_fd, fd);  // dup2 clears FD_CLOEXEC on fd: children inherit /dev/null, as they would the tty
    close(null_fd);
  } else if (null_fd == fd) {
    fcntl(fd, F_SETFD, 0);
  }
  return true;
}

// Length of the UTF-8 sequence starting at text[i] when it is well formed and not a control (C1) code
// point; 0 otherwise.
size_t PrintableUtf8Length(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  size_t len = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0) return 0;
  return len;
}

}  // namespace

bool PrepareStandardStreams() {
  signal(SIGPIPE, SIG_IGN);
  ReopenIfClosed(STDIN_FILENO, O_RDONLY);
  const bool stdout_closed = ReopenIfClosed(STDOUT_FILENO, O_WRONLY);
  ReopenIfClosed(STDERR_FILENO, O_WRONLY);
  if (stdout_closed) {
    std::fprintf(stderr, "dispatchlab: standard output is closed (nothing could be written)\n");
    return false;
  }
  return true;
}

int FinishStandardStreams(int status) {
  std::cout.flush();
  errno = 0;
  const bool flush_failed = std::fflush(stdout) != 0;
  const int flush_errno = errno;
  if (flush_failed || std::ferror(stdout) || !std::cout) {
    const std::string why = flush_failed && flush_errno != 0
                                ? std::strerror(flush_errno)
                                : "a write failed (full disk, closed pipe or descriptor)";
    std::fprintf(stderr, "dispatchlab: cannot write standard output: %s\n", why.c_str());
    return status == kExitOk ? kExitFailure : status;
  }
  std::cerr.flush();
  std::fflush(stderr);
  if (std::ferror(stderr) || !std::cerr) return status == kExitOk ? kExitFailure : status;
  return status;
}

std::string EscapeForMessage(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (const size_t len = PrintableUtf8Length(text, i); len > 0) {
      out.append(text.data() + i, len);
      i += len;
      continue;
    }
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += absl::StrFormat("\\x%02x", c);
    }
    ++i;
  }
  return out;
}

}  // namespace dispatchlab::cli

// A 1 MiB tmpfs for the ENOSPC tests, mounted on a fresh directory under /tmp and unmounted and removed at
// scope exit, whatever happened. Needs root (otherwise mounted() is false and why_not() says so). The
// mount is made in a private mount namespace of the test process when the kernel allows it, so even a
// test process killed mid-test leaves no mount behind (only the empty directory).
#ifndef DISPATCHLAB_TESTS_CORE_SHARED_HEAP_TMPFS_H_
#define DISPATCHLAB_TESTS_CORE_SHARED_HEAP_TMPFS_H_

#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace dispatchlab::testing {

class SmallTmpfs {
 public:
  SmallTmpfs() {
    char tmpl[] = "/tmp/dispatchlab-tmpfs-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      why_not_ = std::string("mkdtemp failed: ") + std::strerror(errno);
      return;
    }
    path_ = tmpl;
    if (geteuid() != 0) {
      why_not_ = "not root: cannot mount a 1 MiB tmpfs";
      return;
    }
    PrivateMountNamespace();
    if (mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=1m,mode=0700") != 0) {
      why_not_ = std::string("mount -t tmpfs -o size=1m failed: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~SmallTmpfs() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
    if (!path_.empty()) rmdir(path_.c_str());
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }
  const std::string& path() const { return path_; }
  // Entries in the tmpfs (-1 when it cannot be read).
  int EntryCount() const {
    DIR* dir = opendir(path_.c_str());
    if (dir == nullptr) return -1;
    int entries = 0;
    while (dirent* entry = readdir(dir)) {
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) ++entries;
    }
    closedir(dir);
    return entries;
  }

 private:
  // Once per process: our own mount namespace, with propagation off so nothing leaks to the host's.
  static void PrivateMountNamespace() {
    static const bool done = [] {
      if (unshare(CLONE_NEWNS) != 0) return false;
      return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    }();
    (void)done;
  }

  std::string path_;
  std::string why_not_;
  bool mounted_ = false;
};

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_CORE_SHARED_HEAP_TMPFS_H_

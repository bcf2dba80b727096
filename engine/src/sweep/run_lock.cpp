#include "limuon/sweep/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace limuon::sweep {

std::string RunLock::path_for(const std::string& checkpoint_root, int64_t run_id) {
  return checkpoint_root + "/run-" + std::to_string(run_id) + ".lock";
}

std::optional<RunLock> RunLock::try_acquire(const std::string& checkpoint_root, int64_t run_id) {
  std::error_code ignored;
  std::filesystem::create_directories(checkpoint_root, ignored);  // open() below reports a real failure
  return try_acquire_file(path_for(checkpoint_root, run_id));
}

std::optional<RunLock> RunLock::try_acquire_sweep(const std::string& db_path) {
  return try_acquire_file(db_path + ".sweep.lock");
}

std::optional<RunLock> RunLock::try_acquire_file(std::string path) {
  const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open the lock " + path + ": " + std::strerror(errno));
  // flock, not fcntl: its lock belongs to this open file, so a second RunLock in the same process (a
  // queue and a test, say) is refused as another process would be.
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    close(fd);
    if (error == EWOULDBLOCK) return std::nullopt;
    throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
  }
  return RunLock(fd, std::move(path));
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

RunLock::~RunLock() {
  if (fd_ >= 0) close(fd_);  // closing the last descriptor of the open file releases the flock
}

}  // namespace limuon::sweep

// One process drives a run at a time: `train --resume` and the run queue (train, sweep) hold an
// exclusive flock on <checkpoint root>/run-<id>.lock while they drive run <id>, so two processes can
// never write the same run's checkpoint folder and metrics at once. The kernel drops the lock when its
// holder ends, also by kill -9: a stale lock file is harmless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace limuon::sweep {

class RunLock {
 public:
  // The lock of run `run_id` under `checkpoint_root` (created if missing), or nullopt when another
  // open lock (another process, or another RunLock in this one) holds it. Throws std::runtime_error,
  // naming the file, when the lock file cannot be opened.
  static std::optional<RunLock> try_acquire(const std::string& checkpoint_root, int64_t run_id);
  static std::string path_for(const std::string& checkpoint_root, int64_t run_id);
  // One sweep driver per database (`limuon-lab sweep` or the window): two would both pick up the same
  // interrupted runs. The lock on <db>.sweep.lock, or nullopt when another holds it.
  static std::optional<RunLock> try_acquire_sweep(const std::string& db_path);

  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();  // releases

  const std::string& path() const { return path_; }

 private:
  RunLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  static std::optional<RunLock> try_acquire_file(std::string path);
  int fd_ = -1;
  std::string path_;
};

}  // namespace limuon::sweep

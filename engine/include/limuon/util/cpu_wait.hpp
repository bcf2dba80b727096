// How long a thread was ready to run but waited for a free core: the scheduler's run-queue delay, which
// Linux keeps per thread (/proc/thread-self/schedstat, second field, nanoseconds). A training thread that
// waits while it steps shares its cores with other work, and its step times then measure that work as
// much as the optimizer: the trainer records the wait next to each step, the reports flag such runs.
#pragma once

#include <optional>
#include <string_view>

namespace limuon {

// Milliseconds the calling thread has waited for a core since it started; nullopt where the kernel does
// not say (not Linux, or schedstat switched off).
std::optional<double> thread_cpu_wait_ms();

// The wait in a schedstat line "<ns on a core> <ns waiting> <time slices>", in milliseconds; nullopt when
// the line is not three whole numbers.
std::optional<double> schedstat_wait_ms(std::string_view line);

}  // namespace limuon

// A window's inbox of a trainer's display events: appended on a worker, taken by the GUI thread. Bounded
// like the trainer's own display stream, so a GUI that stops taking (hung, or measuring without frames)
// cannot grow memory without limit: the oldest go; the store has every event anyway.
#pragma once

#include <iterator>

#include "limuon/train/events.hpp"

namespace limuon::gui {

inline void append_bounded(train::TrainerEvents& inbox, train::TrainerEvents&& events) {
  inbox.metrics.insert(inbox.metrics.end(), std::make_move_iterator(events.metrics.begin()),
                       std::make_move_iterator(events.metrics.end()));
  inbox.spectra.insert(inbox.spectra.end(), std::make_move_iterator(events.spectra.begin()),
                       std::make_move_iterator(events.spectra.end()));
  const train::DisplayCapacity cap;
  if (inbox.metrics.size() > cap.metrics)
    inbox.metrics.erase(inbox.metrics.begin(), inbox.metrics.end() - static_cast<std::ptrdiff_t>(cap.metrics));
  if (inbox.spectra.size() > cap.spectra)
    inbox.spectra.erase(inbox.spectra.begin(), inbox.spectra.end() - static_cast<std::ptrdiff_t>(cap.spectra));
}

}  // namespace limuon::gui

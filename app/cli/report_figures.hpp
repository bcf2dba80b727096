// The figures of `limuon-lab report`, written as SVG files next to report.md. Private to the command line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "limuon/report/markdown.hpp"
#include "limuon/store/store.hpp"

namespace limuon::cli::detail {

// The whole file, replaced; std::runtime_error naming the path when it cannot be written.
void write_file(const std::filesystem::path& path, const std::string& text);

// One per basis (steps, gradient evaluations, wall time): each method at its chosen learning rate, the
// mean over seeds with a band of one standard deviation.
std::vector<report::Figure> write_curve_figures(const report::MetricSection& section,
                                                const std::vector<report::RunCurve>& curves,
                                                const std::filesystem::path& dir);
// The metric at equal steps against LiMuon's rank, when the methods have two or more rank-r rows.
std::optional<report::Figure> write_rank_figure(const report::MetricSection& section,
                                                const std::vector<report::RunCurve>& curves,
                                                const std::filesystem::path& dir);
// Each method's last recorded update spectrum (first seed, one matrix), when the runs recorded spectra.
std::optional<report::Figure> write_spectra_figure(const report::MetricSection& section, const store::Store& db,
                                                   const std::filesystem::path& dir);

}  // namespace limuon::cli::detail

// SVG line charts. Curves are traced as plot_widget.cpp draws them: a polyline where few points are in view,
// else one min/max column per pixel joined to its neighbours through each column's first and last value, so a
// spike among a million points still shows. A clip path of the plot area cuts off what leaves it.
#include "gui/plot/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "gui/plot/colours.hpp"
#include "gui/plot/decimate.hpp"
#include "gui/plot/series.hpp"
#include "gui/plot/ticks.hpp"

// [SECTION] look
// [SECTION] text and numbers
// [SECTION] data: series, extents, traced curves and bands
// [SECTION] document parts
// [SECTION] public entry points

namespace limuon::gui::plot {

namespace {

// [SECTION] look

constexpr int kMinWidth = 120, kMinHeight = 80;  // as the window's smallest plot
constexpr double kMarginLeft = 64, kMarginRight = 16, kMarginTop = 40, kMarginBottom = 48;
constexpr double kMinPlotSide = 10;
// Closer than the window's (90 and 33 px): report figures are small, and their text does not grow.
constexpr double kXTickSpacing = 70, kYTickSpacing = 28;
constexpr int kTickFont = 11, kAxisLabelFont = 12, kTitleFont = 14;
// No text measuring without a font engine: a glyph of DejaVu Sans averages about 0.6 em; a little more, so that
// boxes fit labels with capitals.
constexpr double kGlyphWidth = 0.65 * kTickFont;
constexpr double kLineWidth = 1.5;
constexpr const char* kBandOpacity = "0.18";
// The window's colours: its translucent white frame and grid lines blended onto the background, and its text.
constexpr const char* kBackground = "#1e1f22";
constexpr const char* kFrame = "#393a3c";
constexpr const char* kMajorGrid = "#313235";
constexpr const char* kMinorGrid = "#28292c";
constexpr const char* kAxisText = "#aaaeb6";
constexpr const char* kTitleText = "#e1e4eb";
constexpr const char* kFontFamily = "Inter, DejaVu Sans, sans-serif";
// Coordinates are clamped this far out: a wild value still prints short, and the clip path hides it anyway.
constexpr double kFarPx = 1e5;

// [SECTION] text and numbers

// One decimal is finer than any screen or printer pixel; "-0.0" is written "0.0" so equal pictures are equal
// bytes.
std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", std::clamp(v, -kFarPx, kFarPx));
  const std::string text = buffer;
  return text == "-0.0" ? "0.0" : text;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string hex(Rgb c) {
  const auto byte = [](float f) { return static_cast<int>(std::lround(std::clamp(f, 0.0f, 1.0f) * 255)); };
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
  return buffer;
}

// A guess at the drawn width, counting UTF-8 characters rather than bytes.
double text_width(const std::string& text) {
  const auto chars = std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xc0) != 0x80; });
  return static_cast<double>(chars) * kGlyphWidth;
}

void add_text(std::string& out, double x, double y, const char* anchor, int size, const char* colour,
              const std::string& text, const std::string& extra = "") {
  out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" +
         std::to_string(size) + "\" fill=\"" + colour + "\"" + extra + ">" + escape(text) + "</text>\n";
}

void add_line(std::string& out, double x1, double y1, double x2, double y2, const std::string& stroke,
              const std::string& extra = "") {
  out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
         "\" stroke=\"" + stroke + "\"" + extra + "/>\n";
}

// [SECTION] data: series, extents, traced curves and bands

struct Frame {
  PlotArea area;
  Axis x, y;
  double width() const { return area.right - area.left; }
  double height() const { return area.bottom - area.top; }
  double px(double v) const { return area.left + to_unit(x, v) * width(); }
  double py(double v) const { return area.bottom - to_unit(y, v) * height(); }
  int columns() const { return std::max(1, static_cast<int>(width())); }
  bool log_y() const { return y.scale == Scale::log10; }
};

// A line's points as Series, for their min/max pyramids; the band only when its lengths match.
struct LineData {
  Series curve, lo, hi;
  bool has_band = false;
};

LineData line_data(const ChartLine& line) {
  LineData d;
  const size_t n = std::min(line.xs.size(), line.ys.size());
  for (size_t i = 0; i < n; ++i) d.curve.append(line.xs[i], line.ys[i]);
  d.has_band = !line.xs.empty() && line.y_lo.size() == line.xs.size() && line.y_hi.size() == line.xs.size();
  for (size_t i = 0; d.has_band && i < line.xs.size(); ++i) {
    d.lo.append(line.xs[i], line.y_lo[i]);
    d.hi.append(line.xs[i], line.y_hi[i]);
  }
  return d;
}

struct Extent {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double min, double max) {
    lo = std::min(lo, min);
    hi = std::max(hi, max);
  }
};

Range fit_x(const std::vector<LineData>& lines, Scale scale) {
  Extent e;
  for (const LineData& d : lines) {
    for (const Series* s : {&d.curve, &d.lo}) {
      for (double x : s->xs())
        if (representable(scale, x)) e.add(x, x);
    }
  }
  return fit_minmax(e.lo, e.hi, scale, 0);
}

// Over the points whose x is in view, band values included; the pyramids make it O(log n) per series.
Range fit_y(const std::vector<LineData>& lines, Range x_range, Scale scale) {
  Extent e;
  for (const LineData& d : lines) {
    for (const Series* s : {&d.curve, &d.lo, &d.hi}) {
      const size_t first = s->lower_bound(x_range.lo), last = s->upper_bound(x_range.hi);
      const Series::MinMax mm = scale == Scale::log10 ? s->minmax_positive(first, last) : s->minmax(first, last);
      if (mm.any) e.add(mm.min, mm.max);
    }
  }
  return fit_minmax(e.lo, e.hi, scale, 0.05);
}

bool has_data(const std::vector<LineData>& lines, const Frame& f) {
  for (const LineData& d : lines) {
    for (size_t i = 0; i < d.curve.size(); ++i)
      if (representable(f.x.scale, d.curve.xs()[i]) && representable(f.y.scale, d.curve.ys()[i])) return true;
  }
  return false;
}

struct Point {
  double x, y;
};

// Runs of points into one path's "d": "Mx,y Lx,y ..." per run of two or more. A run of one point would draw
// nothing, so it is kept apart to be drawn as a dot.
class PathBuilder {
 public:
  void add(Point p) {
    std::string pair = num(p.x) + "," + num(p.y);
    if (!run_.empty() && run_.back() == pair) return;  // a repeat adds bytes, not ink
    if (run_.empty()) run_start_ = p;
    run_.push_back(std::move(pair));
  }
  void end_run() {
    if (run_.size() == 1) dots_.push_back(run_start_);
    for (size_t i = 0; run_.size() > 1 && i < run_.size(); ++i) {
      if (!d_.empty()) d_ += ' ';
      d_ += (i == 0 ? 'M' : 'L') + run_[i];
    }
    run_.clear();
  }
  const std::string& d() const { return d_; }
  const std::vector<Point>& dots() const { return dots_; }

 private:
  std::string d_;
  std::vector<std::string> run_;
  Point run_start_{0, 0};
  std::vector<Point> dots_;
};

// As draw_curve in plot_widget.cpp. A value that cannot be placed breaks the line, and so does a pixel column
// with no values when the series is dense.
void trace_curve(PathBuilder& path, const Frame& f, const Series& s) {
  const IndexRange r = visible(s, usable_range(f.x));
  if (draw_as_polyline(r, f.columns())) {
    for (size_t i = r.first; i < r.last; ++i) {
      const double xv = s.xs()[i], yv = s.ys()[i];
      if (representable(f.x.scale, xv) && representable(f.y.scale, yv)) {
        path.add({f.px(xv), f.py(yv)});
      } else {
        path.end_run();
      }
    }
  } else {
    int previous_px = -2;
    for (const Column& c : envelope(s, f.x, f.columns(), f.log_y())) {
      if (c.px != previous_px + 1) path.end_run();
      previous_px = c.px;
      const double sx = f.area.left + c.px + 0.5;  // the column's centre, as the window draws it
      for (double yv : {c.y_first, c.y_min, c.y_max, c.y_last}) path.add({sx, f.py(yv)});
    }
  }
  path.end_run();
}

using Polygon = std::vector<Point>;

// The band between lo and hi: y_lo forward then y_hi back, one polygon per run of placeable values. Dense bands
// are decimated like curves, per pixel column the lowest y_lo and the highest y_hi, so it never looks narrower
// than it is.
std::vector<Polygon> band_polygons(const Frame& f, const Series& lo, const Series& hi) {
  std::vector<Polygon> polygons;
  Polygon lower, upper;
  const auto end_run = [&] {
    if (lower.size() >= 2) {
      lower.insert(lower.end(), upper.rbegin(), upper.rend());
      polygons.push_back(std::move(lower));
    }
    lower.clear();
    upper.clear();
  };
  const IndexRange r = visible(lo, usable_range(f.x));
  if (draw_as_polyline(r, f.columns())) {
    for (size_t i = r.first; i < r.last; ++i) {
      const double xv = lo.xs()[i], l = lo.ys()[i], h = hi.ys()[i];
      if (!representable(f.x.scale, xv) || !representable(f.y.scale, l) || !representable(f.y.scale, h)) {
        end_run();
        continue;
      }
      lower.push_back({f.px(xv), f.py(l)});
      upper.push_back({f.px(xv), f.py(h)});
    }
  } else {
    int previous_px = -2;
    for (const Column& c : envelope(lo, f.x, f.columns(), f.log_y())) {
      const Series::MinMax h = f.log_y() ? hi.minmax_positive(c.first, c.last) : hi.minmax(c.first, c.last);
      if (c.px != previous_px + 1 || !h.any) end_run();
      previous_px = c.px;
      if (!h.any) continue;
      const double sx = f.area.left + c.px + 0.5;
      lower.push_back({sx, f.py(c.y_min)});
      upper.push_back({sx, f.py(h.max)});
    }
  }
  end_run();
  return polygons;
}

// [SECTION] document parts

void write_axes(std::string& out, const Frame& f, const ChartSpec& spec, int width, int height) {
  const PlotArea& a = f.area;
  const auto x_ticks = ticks(f.x, f.width(), kXTickSpacing);
  const auto y_ticks = ticks(f.y, f.height(), kYTickSpacing);
  for (const Tick& t : x_ticks) {
    add_line(out, f.px(t.value), a.top, f.px(t.value), a.bottom, t.major ? kMajorGrid : kMinorGrid);
  }
  for (const Tick& t : y_ticks) {
    add_line(out, a.left, f.py(t.value), a.right, f.py(t.value), t.major ? kMajorGrid : kMinorGrid);
  }
  out += "<rect x=\"" + num(a.left) + "\" y=\"" + num(a.top) + "\" width=\"" + num(f.width()) + "\" height=\"" +
         num(f.height()) + "\" rx=\"3\" fill=\"none\" stroke=\"" + kFrame + "\"/>\n";
  // x labels centred under their tick, but kept inside the picture (the window keeps them inside the plot).
  for (const Tick& t : x_ticks) {
    if (t.label.empty()) continue;
    const double half = text_width(t.label) / 2 + 2;
    const double x = std::clamp(f.px(t.value), half, std::max(half, width - half));
    add_text(out, x, a.bottom + 16, "middle", kTickFont, kAxisText, t.label);
  }
  for (const Tick& t : y_ticks) {
    if (!t.label.empty()) add_text(out, a.left - 6, f.py(t.value) + 4, "end", kTickFont, kAxisText, t.label);
  }
  if (!spec.title.empty()) {
    add_text(out, a.left, 24, "start", kTitleFont, kTitleText, spec.title, " font-weight=\"600\"");
  }
  if (!spec.x_label.empty()) {
    add_text(out, (a.left + a.right) / 2, height - 10, "middle", kAxisLabelFont, kAxisText, spec.x_label);
  }
  if (!spec.y_label.empty()) {
    const double cy = (a.top + a.bottom) / 2;
    add_text(out, 0, 0, "middle", kAxisLabelFont, kAxisText, spec.y_label,
             " transform=\"translate(14," + num(cy) + ") rotate(-90)\"");
  }
}

// Past the palette's end the colours repeat: a line drawn in a repeated colour is dashed, so that no two of
// a dozen-plus methods look alike, in the plot or in the legend.
bool drawn_dashed(const ChartLine& line) {
  return line.dashed || line.colour < 0 || line.colour >= run_colour_count();
}

// Bands first, so that every line stays on top of every band.
void write_data(std::string& out, const Frame& f, const ChartSpec& spec, const std::vector<LineData>& data) {
  for (size_t i = 0; i < data.size(); ++i) {
    if (!data[i].has_band) continue;
    const std::string colour = hex(run_colour(spec.lines[i].colour));
    for (const Polygon& polygon : band_polygons(f, data[i].lo, data[i].hi)) {
      out += "<polygon points=\"";
      for (size_t k = 0; k < polygon.size(); ++k) {
        out += (k ? " " : "") + num(polygon[k].x) + "," + num(polygon[k].y);
      }
      out += "\" fill=\"" + colour + "\" fill-opacity=\"" + kBandOpacity + "\"/>\n";
    }
  }
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string colour = hex(run_colour(spec.lines[i].colour));
    PathBuilder path;
    trace_curve(path, f, data[i].curve);
    if (!path.d().empty()) {
      out += "<path d=\"" + path.d() + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" +
             num(kLineWidth) + "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"" +
             (drawn_dashed(spec.lines[i]) ? " stroke-dasharray=\"6 4\"" : "") + "/>\n";
    }
    for (const Point& p : path.dots()) {
      out += "<circle cx=\"" + num(p.x) + "\" cy=\"" + num(p.y) + "\" r=\"" + num(kLineWidth + 1) + "\" fill=\"" +
             colour + "\"/>\n";
    }
  }
}

constexpr double kLegendPad = 6, kLegendRow = 16, kLegendSample = 18;

// The labelled lines' legend entries: how many, and the widest entry (sample and text).
std::pair<int, double> legend_entries(const ChartSpec& spec) {
  int rows = 0;
  double widest = 0;
  for (const ChartLine& line : spec.lines) {
    if (line.label.empty()) continue;
    widest = std::max(widest, kLegendPad + kLegendSample + kLegendPad + text_width(line.label) + kLegendPad);
    ++rows;
  }
  return {rows, widest};
}

// Under the chart: as many columns of entries as fit the plot's width.
int legend_columns(const ChartSpec& spec, const PlotArea& area) {
  const auto [entries, widest] = legend_entries(spec);
  if (entries == 0) return 0;
  return std::clamp(static_cast<int>((area.right - area.left) / widest), 1, entries);
}

// The height the legend adds under the chart (0 when it sits inside the plot).
double legend_below_height(const ChartSpec& spec, const PlotArea& area) {
  if (spec.legend != ChartSpec::Legend::below) return 0;
  const int entries = legend_entries(spec).first, columns = legend_columns(spec, area);
  if (entries == 0) return 0;
  return 2 * kLegendPad + ((entries + columns - 1) / columns) * kLegendRow;
}

void write_legend_entry(std::string& out, double left, double baseline, const ChartLine& line) {
  const std::string dash = drawn_dashed(line) ? " stroke-dasharray=\"6 4\"" : "";
  add_line(out, left + kLegendPad, baseline - 4, left + kLegendPad + kLegendSample, baseline - 4,
           hex(run_colour(line.colour)), " stroke-width=\"" + num(kLineWidth) + "\"" + dash);
  add_text(out, left + 2 * kLegendPad + kLegendSample, baseline, "start", kTickFont, kAxisText, line.label);
}

// A short sample of each labelled line, and its label: in a box inside the plot's top right corner, or in
// rows of columns under the chart, starting at the plot's left edge.
void write_legend(std::string& out, const Frame& f, const ChartSpec& spec, double chart_height) {
  constexpr double kInset = 8;
  const auto [rows, widest] = legend_entries(spec);
  if (rows == 0) return;
  if (spec.legend == ChartSpec::Legend::below) {
    const int columns = legend_columns(spec, f.area);
    int i = 0;
    for (const ChartLine& line : spec.lines) {
      if (line.label.empty()) continue;
      write_legend_entry(out, f.area.left + (i % columns) * widest,
                         chart_height + kLegendPad + (i / columns + 1) * kLegendRow - 4, line);
      ++i;
    }
    return;
  }
  const double w = widest, h = 2 * kLegendPad + rows * kLegendRow;
  const double left = f.area.right - kInset - w, top = f.area.top + kInset;
  out += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
         "\" rx=\"3\" fill=\"" + kBackground + "\" fill-opacity=\"0.85\" stroke=\"" + kFrame + "\"/>\n";
  double baseline = top + kLegendPad + kLegendRow - 4;
  for (const ChartLine& line : spec.lines) {
    if (line.label.empty()) continue;
    write_legend_entry(out, left, baseline, line);
    baseline += kLegendRow;
  }
}

}  // namespace

// [SECTION] public entry points

PlotArea plot_area(const ChartSpec& spec) {
  const double width = std::max(spec.width, kMinWidth), height = std::max(spec.height, kMinHeight);
  PlotArea a{kMarginLeft, kMarginTop, width - kMarginRight, height - kMarginBottom};
  a.right = std::max(a.right, a.left + kMinPlotSide);
  a.bottom = std::max(a.bottom, a.top + kMinPlotSide);
  return a;
}

std::string svg_line_chart(const ChartSpec& spec) {
  const int width = std::max(spec.width, kMinWidth), chart_height = std::max(spec.height, kMinHeight);
  const int height = chart_height + static_cast<int>(std::ceil(legend_below_height(spec, plot_area(spec))));
  std::vector<LineData> data;
  for (const ChartLine& line : spec.lines) data.push_back(line_data(line));
  Frame f;
  f.area = plot_area(spec);
  f.x = {spec.x_range ? *spec.x_range : fit_x(data, spec.x_scale), spec.x_scale};
  f.y = {spec.y_range ? *spec.y_range : fit_y(data, usable_range(f.x), spec.y_scale), spec.y_scale};

  const std::string size = std::to_string(width) + "x" + std::to_string(height);
  // The id carries the size, which fixes the clip rectangle: charts inlined into one HTML page may share an id
  // only when they share the rectangle too.
  const std::string clip_id = "limuon-plot-" + size;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" font-family=\"" + kFontFamily + "\">\n";
  out += "<rect width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" fill=\"" +
         kBackground + "\"/>\n";
  out += "<clipPath id=\"" + clip_id + "\"><rect x=\"" + num(f.area.left) + "\" y=\"" + num(f.area.top) +
         "\" width=\"" + num(f.width()) + "\" height=\"" + num(f.height()) + "\"/></clipPath>\n";
  write_axes(out, f, spec, width, chart_height);
  out += "<g clip-path=\"url(#" + clip_id + ")\">\n";
  write_data(out, f, spec, data);
  out += "</g>\n";
  write_legend(out, f, spec, chart_height);
  if (!has_data(data, f)) {
    // The baseline a third of the font below the centre puts the text's middle there.
    add_text(out, (f.area.left + f.area.right) / 2, (f.area.top + f.area.bottom) / 2 + kTitleFont / 3, "middle",
             kTitleFont, kAxisText, "no data");
  }
  out += "</svg>\n";
  return out;
}

}  // namespace limuon::gui::plot

// SVG line charts: coordinates worked out by hand from the margins in svg_chart.hpp (a 640 x 400 chart plots
// into left 64, top 40, right 624, bottom 352: 560 x 312 px), decimation, escaping and determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gui/plot/colours.hpp"
#include "gui/plot/svg_chart.hpp"

namespace limuon::gui::plot {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// The values of every `attribute="..."` in the document, in order.
std::vector<std::string> attributes(const std::string& svg, const std::string& attribute) {
  std::vector<std::string> out;
  const std::string key = " " + attribute + "=\"";
  for (size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    const size_t start = at + key.size();
    out.push_back(svg.substr(start, svg.find('"', start) - start));
  }
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

ChartSpec unit_spec(std::vector<double> xs, std::vector<double> ys) {
  ChartSpec spec;
  spec.x_range = Range{0, 1};
  spec.y_range = Range{0, 1};
  ChartLine line;
  line.label = "loss";
  line.xs = std::move(xs);
  line.ys = std::move(ys);
  spec.lines.push_back(line);
  return spec;
}

TEST(PlotSvg, PlotAreaHasFixedMargins) {
  const PlotArea a = plot_area(ChartSpec{});
  EXPECT_DOUBLE_EQ(a.left, 64);
  EXPECT_DOUBLE_EQ(a.top, 40);
  EXPECT_DOUBLE_EQ(a.right, 624);
  EXPECT_DOUBLE_EQ(a.bottom, 352);
}

TEST(PlotSvg, DiagonalRunsFromBottomLeftToTopRight) {
  // (0, 0) at x = 64 + 0 * 560, y = 352 - 0 * 312; (1, 1) at x = 64 + 560 = 624, y = 352 - 312 = 40.
  const std::string svg = svg_line_chart(unit_spec({0, 1}, {0, 1}));
  EXPECT_EQ(attributes(svg, "d"), std::vector<std::string>{"M64.0,352.0 L624.0,40.0"});
  // The data sits inside a clip path of the plot area.
  EXPECT_NE(svg.find("<rect x=\"64.0\" y=\"40.0\" width=\"560.0\" height=\"312.0\"/></clipPath>"), std::string::npos);
  EXPECT_LT(svg.find("<g clip-path=\"url(#limuon-plot-640x400)\">"), svg.find("<path d="));
}

TEST(PlotSvg, FitsRangesToTheData) {
  // x fits 0..1 exactly; y pads 5% of the span on each side: -0.05..1.05, 1.1 wide. y = 0 sits 0.05 / 1.1 of
  // 312 px above the bottom: 352 - 14.18 = 337.8; y = 1 at 352 - 1.05 / 1.1 * 312 = 352 - 297.82 = 54.2.
  ChartSpec spec = unit_spec({0, 1}, {0, 1});
  spec.x_range.reset();
  spec.y_range.reset();
  EXPECT_EQ(attributes(svg_line_chart(spec), "d"), std::vector<std::string>{"M64.0,337.8 L624.0,54.2"});
}

TEST(PlotSvg, LogYPutsTheMiddleDecadeHalfWayUp) {
  // log10(10) is half way from log10(1) to log10(100): y = 352 - 312 / 2 = 196. A value <= 0 cannot be placed
  // on a log axis and breaks the line like NaN, leaving a lone point drawn as a dot.
  ChartSpec spec = unit_spec({0, 1, 1}, {10, 10, -1});
  spec.y_scale = Scale::log10;
  spec.y_range = Range{1, 100};
  EXPECT_EQ(attributes(svg_line_chart(spec), "d"), std::vector<std::string>{"M64.0,196.0 L624.0,196.0"});
  spec.lines[0].ys = {10, 0, 10};
  const std::string svg = svg_line_chart(spec);
  EXPECT_TRUE(attributes(svg, "d").empty());
  EXPECT_EQ(attributes(svg, "cy"), (std::vector<std::string>{"196.0", "196.0"}));
}

TEST(PlotSvg, NanSplitsTheLine) {
  // x = 0, 0.25, ..., 1 at 64 + 140 k; y 0, 1, NaN, 1, 0 at 352, 40, -, 40, 352.
  const std::string svg = svg_line_chart(unit_spec({0, 0.25, 0.5, 0.75, 1}, {0, 1, kNan, 1, 0}));
  const auto d = attributes(svg, "d");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(count(d[0], "M"), 2u);
  EXPECT_EQ(d[0], "M64.0,352.0 L204.0,40.0 M484.0,40.0 L624.0,352.0");
}

TEST(PlotSvg, DenseSeriesIsDecimatedAndKeepsItsSpike) {
  // 100,000 points over 560 px: 178 or 179 per column, far above the 2 per column drawn as a polyline. Each
  // column gives at most 4 points (first, min, max, last), so at most 2240 pairs. y = (i % 10) / 10 stays in
  // 0..0.9 (y px 352 .. 71.2); the one spike of 1 at i = 54321 must reach the top, y px 40.
  constexpr int n = 100'000;
  ChartLine line;
  for (int i = 0; i < n; ++i) {
    line.xs.push_back(i);
    line.ys.push_back(i == 54'321 ? 1.0 : (i % 10) / 10.0);
  }
  ChartSpec spec;
  spec.x_range = Range{0, n - 1};
  spec.y_range = Range{0, 1};
  spec.lines.push_back(line);
  ASSERT_DOUBLE_EQ(plot_area(spec).right - plot_area(spec).left, 560);
  const auto d = attributes(svg_line_chart(spec), "d");
  ASSERT_EQ(d.size(), 1u);
  const size_t pairs = count(d[0], ",");
  EXPECT_LE(pairs, 4u * 560);
  EXPECT_GE(pairs, 2u * 560);  // every column spans 0..0.9: a min and a max at least
  EXPECT_EQ(count(d[0], "M"), 1u);
  EXPECT_EQ(count(d[0], ",40.0"), 1u);
  // Columns are drawn at their pixel's centre: the first at 64.5, the last at 64 + 559.5 = 623.5.
  EXPECT_EQ(d[0].rfind("M64.5,", 0), 0u);
  EXPECT_NE(d[0].find(" L623.5,"), std::string::npos);
}

TEST(PlotSvg, TextIsEscaped) {
  ChartSpec spec = unit_spec({0, 1}, {0, 1});
  spec.lines[0].label = "a<b & \"c\"";
  spec.title = "it's";
  const std::string svg = svg_line_chart(spec);
  EXPECT_NE(svg.find(">a&lt;b &amp; &quot;c&quot;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">it&apos;s</text>"), std::string::npos);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
}

TEST(PlotSvg, SameSpecGivesSameBytes) {
  ChartSpec spec = unit_spec({0, 0.3, 0.6, 1}, {0.1, 0.5, kNan, 0.9});
  spec.lines[0].y_lo = {0, 0.4, 0.5, 0.8};
  spec.lines[0].y_hi = {0.2, 0.6, 0.7, 1.0};
  spec.lines.push_back(spec.lines[0]);
  spec.lines[1].colour = 3;
  spec.lines[1].dashed = true;
  EXPECT_EQ(svg_line_chart(spec), svg_line_chart(spec));
}

TEST(PlotSvg, ALineInARepeatedColourIsDashedInPlotAndLegend) {
  // One line per palette colour and one more: the last one's colour repeats the first's, so it alone of
  // the undashed lines is drawn with a dash pattern, once as a curve and once as its legend sample.
  ChartSpec spec = unit_spec({0, 1}, {0, 1});
  spec.lines.clear();
  for (int i = 0; i <= run_colour_count(); ++i) {
    ChartLine line;
    line.label = "m" + std::to_string(i);
    line.colour = i;
    line.xs = {0, 1};
    line.ys = {0.05 * i, 0.05 * i};
    spec.lines.push_back(line);
  }
  const std::string svg = svg_line_chart(spec);
  EXPECT_EQ(count(svg, "stroke-dasharray"), 2u);
  const size_t last_path = svg.rfind("<path d=");
  EXPECT_NE(svg.substr(last_path, svg.find("/>", last_path) - last_path).find("stroke-dasharray=\"6 4\""),
            std::string::npos);
}

TEST(PlotSvg, BandIsATranslucentPolygon) {
  // lo 0 forward (352 at both ends), hi 1 back (40), in the first run colour #5b9cf5.
  ChartSpec spec = unit_spec({0, 1}, {0.5, 0.5});
  spec.lines[0].y_lo = {0, 0};
  spec.lines[0].y_hi = {1, 1};
  const std::string svg = svg_line_chart(spec);
  EXPECT_NE(svg.find("<polygon points=\"64.0,352.0 624.0,352.0 624.0,40.0 64.0,40.0\" fill=\"#5b9cf5\" "
                     "fill-opacity=\"0.18\"/>"),
            std::string::npos);
  // Under the line.
  EXPECT_LT(svg.find("<polygon"), svg.find("<path d="));
}

TEST(PlotSvg, BandSplitsWhereAValueIsMissing) {
  // x 0, 0.25, 0.5, 0.75, 1; lo missing at 0.5: polygons over 0..0.25 and 0.75..1 (x px 64, 204 and 484, 624).
  ChartSpec spec = unit_spec({0, 0.25, 0.5, 0.75, 1}, {0.5, 0.5, 0.5, 0.5, 0.5});
  spec.lines[0].y_lo = {0, 0, kNan, 0, 0};
  spec.lines[0].y_hi = {1, 1, 1, 1, 1};
  EXPECT_EQ(attributes(svg_line_chart(spec), "points"),
            (std::vector<std::string>{"64.0,352.0 204.0,352.0 204.0,40.0 64.0,40.0",
                                      "484.0,352.0 624.0,352.0 624.0,40.0 484.0,40.0"}));
}

TEST(PlotSvg, EmptyChartSaysNoData) {
  for (const ChartSpec& spec : {ChartSpec{}, unit_spec({0, 1}, {kNan, kNan})}) {
    const std::string svg = svg_line_chart(spec);
    EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
    EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
    EXPECT_NE(svg.find(">no data</text>"), std::string::npos);
    EXPECT_NE(svg.find("rx=\"3\" fill=\"none\""), std::string::npos);  // the frame
    EXPECT_TRUE(attributes(svg, "d").empty());
  }
  EXPECT_EQ(svg_line_chart(unit_spec({0, 1}, {0, 1})).find("no data"), std::string::npos);
}

TEST(PlotSvg, TickLabelsAndGridComeFromTicks) {
  // x 0..1 over 560 px with labels >= 70 px apart: raw step 0.125 -> 0.2, ticks every 112 px at 64, 176, ...
  // y 0..1 over 312 px with labels >= 28 px apart: raw step 0.09 -> 0.1, 11 ticks; 0.5 at 352 - 156 = 196.
  const std::string svg = svg_line_chart(unit_spec({0, 1}, {0, 1}));
  EXPECT_EQ(count(svg, "<line "), 6u + 11u + 1u);  // and the legend's sample of the line
  EXPECT_NE(svg.find("<line x1=\"176.0\" y1=\"40.0\" x2=\"176.0\" y2=\"352.0\""), std::string::npos);
  EXPECT_NE(svg.find("<line x1=\"64.0\" y1=\"196.0\" x2=\"624.0\" y2=\"196.0\""), std::string::npos);
  // x label "0.2" centred under 176, 16 px below the plot; y label "0.5" right-aligned 6 px left of it.
  EXPECT_NE(svg.find("<text x=\"176.0\" y=\"368.0\" text-anchor=\"middle\" font-size=\"11\" fill=\"#aaaeb6\">0.2<"),
            std::string::npos);
  EXPECT_NE(svg.find("<text x=\"58.0\" y=\"200.0\" text-anchor=\"end\" font-size=\"11\" fill=\"#aaaeb6\">0.5<"),
            std::string::npos);
}

TEST(PlotSvg, LegendBelowAddsRowsOfColumnsUnderTheChart) {
  ChartSpec spec = unit_spec({0, 1}, {0, 1});
  spec.lines.clear();
  for (int i = 0; i < 7; ++i) {
    ChartLine line;
    line.label = "method " + std::string(1, char('a' + i)) + "xy";  // 10 characters: 71.5 px of 11 px text
    line.colour = i;
    line.xs = {0, 1};
    line.ys = {0.1 * i, 0.1 * i};
    spec.lines.push_back(line);
  }
  spec.legend = ChartSpec::Legend::below;
  const std::string svg = svg_line_chart(spec);
  // An entry is 6 + 18 + 6 + 71.5 + 6 = 107.5 px wide: 5 fit the plot's 560 px, so 7 entries take 2 rows of
  // 16 px with 6 px above and below: the chart grows from 400 to 444 px, the plot area stays.
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"444\"", 0), 0u) << svg;
  EXPECT_NE(svg.find("<rect x=\"64.0\" y=\"40.0\" width=\"560.0\" height=\"312.0\" rx=\"3\" fill=\"none\""),
            std::string::npos);
  // The first entry's text at 64 + 30, baseline 400 + 6 + 16 - 4; the seventh in column 2 of row 2.
  EXPECT_NE(svg.find("<text x=\"94.0\" y=\"418.0\" text-anchor=\"start\" font-size=\"11\" fill=\"#aaaeb6\">method axy<"),
            std::string::npos) << svg;
  EXPECT_NE(svg.find("<text x=\"201.5\" y=\"434.0\" text-anchor=\"start\" font-size=\"11\" fill=\"#aaaeb6\">method gxy<"),
            std::string::npos) << svg;
  EXPECT_EQ(svg.find("fill-opacity=\"0.85\""), std::string::npos);  // no box over the data
  spec.legend = ChartSpec::Legend::inside;
  EXPECT_EQ(svg_line_chart(spec).rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\"", 0), 0u);
}

}  // namespace
}  // namespace limuon::gui::plot

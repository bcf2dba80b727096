// The top bar (which database) and the runs table: every run of the open database with its settings,
// status and final losses; tick a run to overlay it in every plot, resume a stopped one. The list is
// read by the StoreReader's worker; this file only draws it.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"
#include "gui/theme.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

std::string key_settings(const RunRow& row) {
  if (!row.config_readable) return "(settings from a newer build)";
  const auto& c = row.config;
  std::string s = c.model;
  if (c.optimizer == "limuon") s += "  rank " + std::to_string(c.rank) + "  beta " + train::format_number(c.beta);
  if (c.optimizer == "muon") s += "  momentum " + train::format_number(c.momentum);
  s += "  lr " + train::format_number(c.optimizer == "adamw" ? c.adamw_lr : c.lr);
  return s;
}

void loss_cell(double v) {
  if (std::isfinite(v)) ImGui::Text("%.4f", v);
  else ImGui::TextDisabled("--");
}

}  // namespace

void App::draw_top_bar() {
  ImGui::AlignTextToFramePadding();
  ImGui::PushFont(title_font());
  ImGui::TextColored({0.55f, 0.75f, 1.0f, 1}, "LiMuon Lab");
  ImGui::PopFont();
  ImGui::SameLine(0, 20);
  ImGui::TextUnformatted("database");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(420);
  const bool entered = ImGui::InputText("##db", &db_field_, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A LiMuon Lab database (the same file `limuon-lab train --db` writes).\nA new path creates it on the first run.");
  ImGui::SameLine();
  if (ImGui::Button("Open") || entered) open_database(db_field_);
  ImGui::SameLine();
  if (ImGui::Button("Refresh")) reader_.request_list(settings_.db_path);
  const LiveStatus st = session_.status();
  if (st.active) {
    char line[160];
    std::snprintf(line, sizeof line, "run %lld %s  step %lld/%lld  %.2f steps/s", static_cast<long long>(st.run_id),
                  train::to_string(st.state), static_cast<long long>(st.step), static_cast<long long>(st.total_steps),
                  st.steps_per_s);
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - ImGui::CalcTextSize(line).x - 16));
    ImGui::TextUnformatted(line);
  }
}

void App::draw_runs_table() {
  ImGui::TextDisabled("RUNS in %s", run_list_.db_path.c_str());
  ImGui::SameLine();
  if (reader_.busy()) ImGui::TextDisabled("(reading...)");
  else ImGui::TextDisabled("(%zu)", run_list_.rows.size());
  if (!run_list_.error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored({1, 0.45f, 0.4f, 1}, "%s", run_list_.error.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##runs_table", 9, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("show");
  ImGui::TableSetupColumn("id");
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("optimizer");
  ImGui::TableSetupColumn("settings", ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn("status", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6);
  ImGui::TableSetupColumn("train loss");
  ImGui::TableSetupColumn("val loss");
  ImGui::TableSetupColumn("created", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 11);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(run_list_.rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const RunRow& row = run_list_.rows[static_cast<size_t>(i)];
      const int64_t id = row.record.id;
      ImGui::PushID(static_cast<int>(id));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      bool shown = overlay_wanted_.count(id) && overlay_wanted_[id];
      if (RunData* r = find_run(id)) shown = r->visible;
      const plot::Rgb c = plot::run_colour(static_cast<int>(id));
      ImGui::PushStyleColor(ImGuiCol_CheckMark, ImVec4(c.r, c.g, c.b, 1));
      if (ImGui::Checkbox("##show", &shown)) {
        if (RunData* r = find_run(id); r && r->run_id == live_run_id_) r->visible = shown;
        else set_overlay(id, shown);
      }
      ImGui::PopStyleColor();
      ImGui::TableNextColumn();
      ImGui::TextColored({c.r, c.g, c.b, 1}, "%lld", static_cast<long long>(id));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.record.name.c_str());
      if (!row.record.error.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", row.record.error.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.config_readable ? row.config.optimizer.c_str() : "?");
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(key_settings(row).c_str());
      ImGui::TableNextColumn();
      const bool live = id == live_run_id_ && session_.status().active;
      const std::string status = live ? "live" : row.record.status;
      const bool resumable = !live && (status == "stopped" || status == "running" || status == "queued");
      ImGui::TextUnformatted(status.c_str());
      if (resumable) {
        ImGui::SameLine();
        ImGui::BeginDisabled(session_.status().active || !row.config_readable);
        if (ImGui::SmallButton("resume")) resume_stored_run(id);
        ImGui::EndDisabled();
      }
      // The live row shows the trainer's latest losses; the list read from the store is older.
      const LiveStatus st = live ? session_.status() : LiveStatus{};
      ImGui::TableNextColumn();
      loss_cell(live && st.step > 0 ? st.last_loss : row.final_train_loss);
      ImGui::TableNextColumn();
      loss_cell(live && st.last_val_step > 0 ? st.last_val_loss : row.final_val_loss);
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", row.record.created_at.c_str());
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
}

}  // namespace limuon::gui

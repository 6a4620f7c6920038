// The panel's files (src/api/panel/web/*), embedded into the binary at build time by
// cmake/embed_files.cmake: the server needs no npm and no files beside it to serve the panel.
#pragma once
#include <cstddef>
#include <string_view>

namespace wws::api {

struct PanelAsset {
  std::string_view name;  // "index.html"
  std::string_view content_type;
  std::string_view body;
};

extern const PanelAsset kPanelAssets[];
extern const size_t kPanelAssetCount;

// The asset with this name, or null.
const PanelAsset* find_panel_asset(std::string_view name);

}  // namespace wws::api

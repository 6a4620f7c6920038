#include "api/panel/assets.h"

namespace wws::api {

const PanelAsset* find_panel_asset(std::string_view name) {
  for (size_t i = 0; i < kPanelAssetCount; ++i)
    if (kPanelAssets[i].name == name) return &kPanelAssets[i];
  return nullptr;
}

}  // namespace wws::api

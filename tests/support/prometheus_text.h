// A strict parser of the Prometheus text exposition format (version 0.0.4) for tests: it
// rejects anything a Prometheus server would reject, and a few things it tolerates that wws
// must not do (duplicate series, a family split in two, a histogram whose buckets decrease).
#pragma once
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prom {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Family {
  std::string type = "untyped";
  std::string help;
  std::vector<Sample> samples;
};

struct Exposition {
  std::map<std::string, Family> families;
  std::string error;  // empty when the text is valid

  // The value of the one sample with exactly these labels, if any.
  std::optional<double> value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& [family_name, family] : families)
      for (const auto& s : family.samples)
        if (s.name == name && s.labels == labels) return s.value;
    return std::nullopt;
  }
};

namespace detail {

inline bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
inline bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

inline bool valid_metric_name(std::string_view n) {
  if (n.empty() || !name_start(n[0])) return false;
  for (char c : n)
    if (!name_char(c)) return false;
  return true;
}
inline bool valid_label_name(std::string_view n) {
  if (n.empty() || !name_start(n[0]) || n[0] == ':') return false;
  for (char c : n)
    if (!name_char(c) || c == ':') return false;
  return true;
}

inline std::optional<double> parse_value(std::string_view v) {
  if (v == "+Inf" || v == "Inf") return INFINITY;
  if (v == "-Inf") return -INFINITY;
  if (v == "NaN") return NAN;
  if (v.empty()) return std::nullopt;
  std::string s(v);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

// The family a sample name belongs to, given the declared types.
inline std::string family_of(const std::string& name, const std::map<std::string, Family>& families) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string_view sv(name), suf(suffix);
    if (sv.size() > suf.size() && sv.ends_with(suf)) {
      std::string base(sv.substr(0, sv.size() - suf.size()));
      auto it = families.find(base);
      if (it != families.end() && (it->second.type == "histogram" || it->second.type == "summary")) return base;
    }
  }
  return name;
}

}  // namespace detail

inline Exposition parse(std::string_view text) {
  using namespace detail;
  Exposition out;
  auto fail = [&](size_t line_no, const std::string& why) {
    out.error = "line " + std::to_string(line_no) + ": " + why;
    return out;
  };
  if (!text.empty() && text.back() != '\n') return fail(0, "the text must end with a newline");
  std::set<std::string> finished;  // families whose lines are over (a family must be contiguous)
  std::set<std::string> series;    // name + labels, to catch duplicates
  std::string current;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::string_view rest = line.substr(1);
      if (!rest.starts_with(" HELP ") && !rest.starts_with(" TYPE ")) continue;  // a plain comment
      const bool is_type = rest.starts_with(" TYPE ");
      rest.remove_prefix(6);
      const size_t sp = rest.find(' ');
      std::string name(rest.substr(0, sp));
      if (!valid_metric_name(name)) return fail(line_no, "bad metric name '" + name + "'");
      std::string_view arg = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
      if (name != current) {
        if (finished.count(name)) return fail(line_no, "family " + name + " appears twice");
        if (!current.empty()) finished.insert(current);
        current = name;
      }
      Family& f = out.families[name];
      if (is_type) {
        if (!f.samples.empty()) return fail(line_no, "TYPE of " + name + " after its samples");
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (!kTypes.count(std::string(arg))) return fail(line_no, "unknown type '" + std::string(arg) + "'");
        f.type = std::string(arg);
      } else {
        f.help = std::string(arg);
      }
      continue;
    }
    // A sample: name{labels} value [timestamp]
    size_t i = 0;
    while (i < line.size() && name_char(line[i])) ++i;
    Sample s;
    s.name = std::string(line.substr(0, i));
    if (!valid_metric_name(s.name)) return fail(line_no, "bad sample name in '" + std::string(line) + "'");
    if (i < line.size() && line[i] == '{') {
      ++i;
      for (;;) {
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        size_t start = i;
        while (i < line.size() && name_char(line[i])) ++i;
        std::string label(line.substr(start, i - start));
        if (!valid_label_name(label)) return fail(line_no, "bad label name '" + label + "'");
        if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"')
          return fail(line_no, "expected =\" after " + label);
        i += 2;
        std::string value;
        for (;;) {
          if (i >= line.size()) return fail(line_no, "unterminated label value");
          char c = line[i++];
          if (c == '"') break;
          if (c == '\\') {
            if (i >= line.size()) return fail(line_no, "dangling escape");
            char e = line[i++];
            if (e == 'n') value += '\n';
            else if (e == '\\' || e == '"') value += e;
            else return fail(line_no, std::string("bad escape \\") + e);
          } else if (c == '\n') {
            return fail(line_no, "raw newline in a label value");
          } else {
            value += c;
          }
        }
        if (s.labels.count(label)) return fail(line_no, "label " + label + " repeated");
        s.labels[label] = value;
        if (i < line.size() && line[i] == ',') {
          ++i;
          continue;
        }
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        return fail(line_no, "expected , or } in labels");
      }
    }
    if (i >= line.size() || line[i] != ' ') return fail(line_no, "expected a space before the value");
    std::string_view rest = line.substr(i + 1);
    const size_t sp = rest.find(' ');
    auto value = parse_value(rest.substr(0, sp));
    if (!value) return fail(line_no, "bad value '" + std::string(rest.substr(0, sp)) + "'");
    if (sp != std::string_view::npos) {
      std::string_view ts = rest.substr(sp + 1);
      if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string_view::npos)
        return fail(line_no, "bad timestamp");
    }
    s.value = *value;
    const std::string family = family_of(s.name, out.families);
    if (family != current) {
      if (finished.count(family)) return fail(line_no, "family " + family + " appears twice");
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    std::string key = s.name + "{";
    for (const auto& [k, v] : s.labels) key += k + "=" + v + ",";
    if (!series.insert(key).second) return fail(line_no, "duplicate series " + key + "}");
    Family& f = out.families[family];
    if (f.type == "counter" && (s.value < 0 || std::isnan(s.value))) return fail(line_no, "negative counter");
    if (f.type == "histogram" && s.name == family) return fail(line_no, "histogram sample without a suffix");
    if (f.type == "histogram" && s.name == family + "_bucket" && !s.labels.count("le"))
      return fail(line_no, "bucket without le");
    f.samples.push_back(std::move(s));
  }
  // Histograms: per label set (without le), buckets cumulative and ending at +Inf == _count.
  for (const auto& [name, f] : out.families) {
    if (f.type != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
    std::map<std::map<std::string, std::string>, double> counts, sums;
    for (const auto& s : f.samples) {
      auto labels = s.labels;
      if (s.name == name + "_bucket") {
        auto le = parse_value(labels["le"]);
        if (!le) return fail(0, name + ": bad le '" + labels["le"] + "'");
        labels.erase("le");
        buckets[labels].emplace_back(*le, s.value);
      } else if (s.name == name + "_count") {
        counts[labels] = s.value;
      } else if (s.name == name + "_sum") {
        sums[labels] = s.value;
      }
    }
    for (const auto& [labels, list] : buckets) {
      for (size_t k = 1; k < list.size(); ++k) {
        if (!(list[k].first > list[k - 1].first)) return fail(0, name + ": le values not increasing");
        if (list[k].second < list[k - 1].second) return fail(0, name + ": buckets not cumulative");
      }
      if (list.empty() || !std::isinf(list.back().first)) return fail(0, name + ": no +Inf bucket");
      if (!counts.count(labels) || counts[labels] != list.back().second)
        return fail(0, name + ": _count differs from +Inf");
      if (!sums.count(labels)) return fail(0, name + ": no _sum");
    }
  }
  return out;
}

}  // namespace prom

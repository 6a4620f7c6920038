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

// Each step returns an error message, empty when the input is fine.
class Parser {
 public:
  Exposition run(std::string_view text) {
    if (!text.empty() && text.back() != '\n') return fail(0, "the text must end with a newline");
    size_t line_no = 0;
    while (!text.empty()) {
      ++line_no;
      const size_t nl = text.find('\n');
      const std::string_view line = text.substr(0, nl);
      text.remove_prefix(nl + 1);
      if (line.empty()) continue;
      const std::string why = line[0] == '#' ? comment_line(line.substr(1)) : sample_line(line);
      if (!why.empty()) return fail(line_no, why);
    }
    for (const auto& [name, f] : out_.families)
      if (f.type == "histogram")
        if (std::string why = check_histogram(name, f); !why.empty()) return fail(0, name + ": " + why);
    return std::move(out_);
  }

 private:
  Exposition fail(size_t line_no, const std::string& why) {
    out_.error = "line " + std::to_string(line_no) + ": " + why;
    return std::move(out_);
  }

  // A family's lines must be contiguous: entering a new one closes the current one for good.
  std::string enter_family(const std::string& name) {
    if (name == current_) return {};
    if (finished_.count(name)) return "family " + name + " appears twice";
    if (!current_.empty()) finished_.insert(current_);
    current_ = name;
    return {};
  }

  // `# HELP name text` or `# TYPE name type`; any other comment is ignored.
  std::string comment_line(std::string_view rest) {
    if (!rest.starts_with(" HELP ") && !rest.starts_with(" TYPE ")) return {};
    const bool is_type = rest.starts_with(" TYPE ");
    rest.remove_prefix(6);
    const size_t sp = rest.find(' ');
    const std::string name(rest.substr(0, sp));
    if (!valid_metric_name(name)) return "bad metric name '" + name + "'";
    const std::string arg(sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1));
    if (std::string why = enter_family(name); !why.empty()) return why;
    Family& f = out_.families[name];
    if (!is_type) {
      f.help = arg;
      return {};
    }
    if (!f.samples.empty()) return "TYPE of " + name + " after its samples";
    static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
    if (!kTypes.count(arg)) return "unknown type '" + arg + "'";
    f.type = arg;
    return {};
  }

  // A quoted label value from line[i] on (just past the opening quote), unescaped into `value`.
  static std::string label_value(std::string_view line, size_t& i, std::string& value) {
    for (;;) {
      if (i >= line.size()) return "unterminated label value";
      const char c = line[i++];
      if (c == '"') return {};
      if (c == '\n') return "raw newline in a label value";
      if (c != '\\') {
        value += c;
        continue;
      }
      if (i >= line.size()) return "dangling escape";
      const char e = line[i++];
      if (e == 'n') value += '\n';
      else if (e == '\\' || e == '"') value += e;
      else return std::string("bad escape \\") + e;
    }
  }

  // `{name="value",...}` from line[i] on (just past the brace); a trailing comma is allowed.
  static std::string labels(std::string_view line, size_t& i, Sample& s) {
    for (;;) {
      if (i < line.size() && line[i] == '}') {
        ++i;
        return {};
      }
      const size_t start = i;
      while (i < line.size() && name_char(line[i])) ++i;
      const std::string label(line.substr(start, i - start));
      if (!valid_label_name(label)) return "bad label name '" + label + "'";
      if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return "expected =\" after " + label;
      i += 2;
      std::string value;
      if (std::string why = label_value(line, i, value); !why.empty()) return why;
      if (s.labels.count(label)) return "label " + label + " repeated";
      s.labels[label] = value;
      if (i < line.size() && line[i] == ',') {
        ++i;
      } else if (i >= line.size() || line[i] != '}') {
        return "expected , or } in labels";
      }
    }
  }

  // `name{labels} value [timestamp]`
  std::string sample_line(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && name_char(line[i])) ++i;
    Sample s;
    s.name = std::string(line.substr(0, i));
    if (!valid_metric_name(s.name)) return "bad sample name in '" + std::string(line) + "'";
    if (i < line.size() && line[i] == '{')
      if (std::string why = labels(line, ++i, s); !why.empty()) return why;
    if (i >= line.size() || line[i] != ' ') return "expected a space before the value";
    const std::string_view rest = line.substr(i + 1);
    const size_t sp = rest.find(' ');
    const auto value = parse_value(rest.substr(0, sp));
    if (!value) return "bad value '" + std::string(rest.substr(0, sp)) + "'";
    if (sp != std::string_view::npos) {
      const std::string_view ts = rest.substr(sp + 1);
      if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string_view::npos) return "bad timestamp";
    }
    s.value = *value;
    return add_sample(std::move(s));
  }

  std::string add_sample(Sample s) {
    const std::string family = family_of(s.name, out_.families);
    if (std::string why = enter_family(family); !why.empty()) return why;
    std::string key = s.name + "{";
    for (const auto& [k, v] : s.labels) key += k + "=" + v + ",";
    if (!series_.insert(key).second) return "duplicate series " + key + "}";
    Family& f = out_.families[family];
    if (f.type == "counter" && (s.value < 0 || std::isnan(s.value))) return "negative counter";
    if (f.type == "histogram" && s.name == family) return "histogram sample without a suffix";
    if (f.type == "histogram" && s.name == family + "_bucket" && !s.labels.count("le")) return "bucket without le";
    f.samples.push_back(std::move(s));
    return {};
  }

  // Per label set (without le): buckets cumulative, le increasing, ending at +Inf == _count.
  static std::string check_histogram(const std::string& name, const Family& f) {
    using Labels = std::map<std::string, std::string>;
    std::map<Labels, std::vector<std::pair<double, double>>> buckets;
    std::map<Labels, double> counts, sums;
    for (const auto& s : f.samples) {
      auto labels = s.labels;
      if (s.name == name + "_bucket") {
        const auto le = parse_value(labels["le"]);
        if (!le) return "bad le '" + labels["le"] + "'";
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
        if (!(list[k].first > list[k - 1].first)) return "le values not increasing";
        if (list[k].second < list[k - 1].second) return "buckets not cumulative";
      }
      if (list.empty() || !std::isinf(list.back().first)) return "no +Inf bucket";
      const auto count = counts.find(labels);
      if (count == counts.end() || count->second != list.back().second) return "_count differs from +Inf";
      if (!sums.count(labels)) return "no _sum";
    }
    return {};
  }

  Exposition out_;
  std::set<std::string> finished_;  // families whose lines are over
  std::set<std::string> series_;    // name + labels, to catch duplicates
  std::string current_;
};

}  // namespace detail

inline Exposition parse(std::string_view text) { return detail::Parser().run(text); }

}  // namespace prom

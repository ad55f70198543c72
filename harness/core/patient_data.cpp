// Patient-data detection: digit runs for NIRs and phone numbers, `local@domain` for e-mails.
#include "harness/core/patient_data.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace savefuzz {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// A run of digits and single separators (space, dot, dash) starting at `i`: the digits, and where
// the run ends.
struct Run {
  std::string digits;
  std::size_t end;
};
Run digit_run(std::string_view t, std::size_t i, bool allow_letters_of_corsica) {
  Run r{"", i};
  while (r.end < t.size()) {
    char c = t[r.end];
    bool corsica = allow_letters_of_corsica && r.digits.size() == 6 && r.digits[5] == '2' &&
                   (c == 'A' || c == 'B' || c == 'a' || c == 'b');
    if (digit(c) || corsica) {
      r.digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ++r.end;
    } else if ((c == ' ' || c == '.' || c == '-') && r.end + 1 < t.size() && digit(t[r.end + 1]) && !r.digits.empty()) {
      ++r.end;
    } else {
      break;
    }
  }
  return r;
}

// NIR: sex (1, 2, 7, 8; 3, 4 for provisional ones), year, month, department (2A / 2B for
// Corsica), commune, order, then the key: 97 - (the 13 digits mod 97), 2A read as 19, 2B as 18.
bool valid_nir(std::string d) {
  if (d.size() != 15 || std::string_view("123478").find(d[0]) == std::string_view::npos) return false;
  if (d[6] == 'A' || d[6] == 'B') {
    if (d[5] != '2') return false;
    d[5] = '1';
    d[6] = d[6] == 'A' ? '9' : '8';
  }
  if (!std::all_of(d.begin(), d.end(), digit)) return false;
  std::uint64_t n = std::stoull(d.substr(0, 13));
  return std::stoi(d.substr(13)) == static_cast<int>(97 - n % 97);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool email_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
}

}  // namespace

std::vector<PatientDataHit> find_patient_data(std::string_view t, const PatientDataRules& rules) {
  std::vector<PatientDataHit> hits;
  for (std::size_t i = 0; i < t.size();) {
    bool starts = (digit(t[i]) || t[i] == '+') && (i == 0 || !digit(t[i - 1]));
    if (!starts) {
      ++i;
      continue;
    }
    // +33 6 12 34 56 78 reads as 06 12 34 56 78.
    std::size_t from = i;
    std::string prefix;
    if (t[i] == '+') {
      if (t.substr(i, 3) != "+33") {
        ++i;
        continue;
      }
      prefix = "0";
      i += 3;
      while (i < t.size() && (t[i] == ' ' || t[i] == '.' || t[i] == '-')) ++i;
      if (i < t.size() && t[i] == '(') i += 3;  // +33 (0)6 ...
    }
    Run r = digit_run(t, i, prefix.empty());
    std::string value(t.substr(from, r.end - from));
    std::string digits = prefix + r.digits;
    if (digits.size() == 15 && prefix.empty() && valid_nir(digits)) {
      hits.push_back({"NIR", value, "a French social-security number whose control key is valid"});
    } else if (digits.size() == 10 && digits[0] == '0' && digits[1] != '0' &&
               std::all_of(digits.begin(), digits.end(), digit)) {
      bool fiction = std::any_of(rules.fiction_phone_prefixes.begin(), rules.fiction_phone_prefixes.end(),
                                 [&](const std::string& p) { return digits.rfind(p, 0) == 0; });
      if (!fiction)
        hits.push_back({"phone number", value, "a French phone number outside the ranges reserved for fiction"});
    }
    i = std::max(r.end, i + 1);
  }
  for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    std::size_t b = at, e = at + 1;
    while (b > 0 && email_char(t[b - 1])) --b;
    while (e < t.size() && (email_char(t[e]))) ++e;
    std::string domain = lower(t.substr(at + 1, e - at - 1));
    while (!domain.empty() && domain.back() == '.') domain.pop_back();
    if (b == at || domain.find('.') == std::string::npos) continue;  // not an address
    bool example = std::any_of(rules.example_email_domains.begin(), rules.example_email_domains.end(),
                               [&](const std::string& d) { return domain == d || ends_with(domain, "." + d); }) ||
                   std::any_of(rules.example_email_tlds.begin(), rules.example_email_tlds.end(),
                               [&](const std::string& tld) { return ends_with(domain, "." + tld); });
    if (!example)
      hits.push_back({"e-mail address", std::string(t.substr(b, e - b)),
                      "an e-mail address outside the reserved example domains (example.com, .org, .net, .test, .example)"});
  }
  return hits;
}

}  // namespace savefuzz

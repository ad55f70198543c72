// What looks like real patient data in a text: QA write scenarios from real incidents, and a
// scenario file is committed and replayed forever, so `savefuzz check` and the corpus tests
// refuse a French social-security number (NIR) whose control key is valid, a French phone number
// outside the ranges reserved for fiction, and an e-mail address outside the reserved example
// domains. The generators only ever draw texts this finds nothing in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace savefuzz {

struct PatientDataRules {
  // Phone numbers that begin with one of these (national form, digits only) are fiction. The
  // default: the blocks the French numbering plan reserves for films and fiction.
  std::vector<std::string> fiction_phone_prefixes{"019900", "026191", "035301", "046571", "053649", "063998"};
  // E-mail domains that are examples: these, their subdomains, and the reserved top-level
  // domains (RFC 2606, RFC 6761).
  std::vector<std::string> example_email_domains{"example.com", "example.org", "example.net"};
  std::vector<std::string> example_email_tlds{"test", "example", "invalid", "localhost"};
};

struct PatientDataHit {
  std::string kind;   // "NIR", "phone number", "e-mail address"
  std::string value;  // as written in the text
  std::string why;    // "its control key 97 - (n mod 97) is valid"
};

std::vector<PatientDataHit> find_patient_data(std::string_view text, const PatientDataRules& rules = {});

}  // namespace savefuzz

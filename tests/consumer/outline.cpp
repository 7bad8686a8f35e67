#include "outline.h"

namespace notes {

void Outline::add(tenure::Ref<Heading> heading) {
  heading->outline = tenure::Ref<Outline>::from_this(this);
  headings_.push_back(std::move(heading));
}

tenure::Ref<Outline> make_outline(const std::vector<std::string>& titles) {
  tenure::Ref<Outline> outline = tenure::make<Outline>();
  for (const std::string& title : titles) {
    outline->add(tenure::make<Heading>(title));
  }
  return outline;
}

}  // namespace notes

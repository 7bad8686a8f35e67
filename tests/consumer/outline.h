// The code under test of the consumer project: an outline of headings, with
// a retention bug planted the way real code has it (each heading points back
// at its outline with a strong handle).
#pragma once

#include <tenure/tenure.h>

#include <string>
#include <vector>

namespace notes {

class Outline;

class Heading : public tenure::Object {
 public:
  explicit Heading(std::string title) : title_(std::move(title)) {}
  const std::string& title() const { return title_; }

  tenure::Ref<Outline> outline;  // should be a tenure::Weak<Outline>

  void trace(tenure::Tracer& t) override { t("outline", outline); }

 private:
  std::string title_;
};

class Outline : public tenure::Object {
 public:
  // Adds a heading and points it back at this outline.
  void add(tenure::Ref<Heading> heading);
  std::size_t size() const { return headings_.size(); }

  void trace(tenure::Tracer& t) override { t("headings", headings_); }

 private:
  std::vector<tenure::Ref<Heading>> headings_;
};

// An outline with one heading per title.
tenure::Ref<Outline> make_outline(const std::vector<std::string>& titles);

}  // namespace notes

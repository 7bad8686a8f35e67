// An editing session: one user's connection to a shared document. The
// transport hands each incoming edit to deliver(); the session applies it.
//
// Demo code with a retention bug planted on purpose: the callback the session
// stores in its own member captures a strong handle to the session. The
// collector cannot see inside a std::function, so it never learns of that
// edge: the session (and the document it holds) outlives every user. The fix:
// capture `this`, or a tenure::Weak<Session>.
#pragma once

#include <tenure/tenure.h>

#include <cstddef>
#include <functional>
#include <string>

#include "collab/document.h"

namespace collab {

struct Edit {
  std::string section;  // title of the section to change
  std::string text;     // its new text
};

class Session : public tenure::Object {
 public:
  Session(std::string user, tenure::Ref<Document> document);

  // Starts accepting edits.
  void start();
  // Called by the transport for each edit this user makes. Before start(),
  // edits are dropped.
  void deliver(const Edit& edit);

  const std::string& user() const { return user_; }
  std::size_t edits_applied() const { return edits_applied_; }
  // The document's word count after the last edit, as the status bar shows.
  std::size_t word_count() const { return word_count_; }

  const tenure::Ref<Document>& document() const { return document_; }

  void trace(tenure::Tracer& t) override { t("document", document_); }

 private:
  void apply(const Edit& edit);

  std::string user_;
  tenure::Ref<Document> document_;
  std::function<void(const Edit&)> on_edit_;
  std::size_t edits_applied_ = 0;
  std::size_t word_count_ = 0;
};

}  // namespace collab

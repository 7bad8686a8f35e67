// A subject keeps its observers; each observer is constructed with a strong
// handle to the subject it watches. The constructor stores its argument, and
// the subject passes itself: the call is where the cycle closes.
#include <tenure/tenure.h>
#include <vector>

class Subject;

class Observer : public tenure::Object {
public:
  explicit Observer(tenure::Ref<Subject> subject) : subject_(std::move(subject)) {}
  void trace(tenure::Tracer &t) override { t(subject_); }

private:
  tenure::Ref<Subject> subject_;
};

class Subject : public tenure::Object {
public:
  void watch() {
    observers_.push_back(tenure::make<Observer>(tenure::Ref<Subject>::from_this(this)));
    // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: strong reference cycle Observer -subject_-> Subject -observers_-> Observer closed here: {{.*}}; make 'Observer::subject_' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :15:24: note: 'Observer::subject_' holds a strong handle to 'Subject'
    // CHECK-MESSAGES: :29:38: note: 'Subject::observers_' holds strong handles to 'Observer' in a 'std::vector<tenure::Ref<Observer>>'
  }
  void trace(tenure::Tracer &t) override { t(observers_); }

private:
  std::vector<tenure::Ref<Observer>> observers_;
};

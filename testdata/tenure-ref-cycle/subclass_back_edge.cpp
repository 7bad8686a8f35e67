// The back edge lives in a base class, and the owner holds the base: the
// cycle goes through the subclass that the owner really stores.
#include <tenure/tenure.h>
#include <vector>

class Scene;

class Shape : public tenure::Object {
public:
  tenure::Ref<Scene> scene;
  void trace(tenure::Tracer &t) override { t(scene); }
};

class Circle : public Shape {
public:
  double radius = 1;
};

class Scene : public tenure::Object {
public:
  void add_circle(tenure::Ref<Circle> c) {
    c->scene = tenure::Ref<Scene>::from_this(this);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: strong reference cycle Shape -scene-> Scene -shapes-> Shape closed here: {{.*}}; make 'Shape::scene' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :10:22: note: 'Shape::scene' holds a strong handle to 'Scene'
    // CHECK-MESSAGES: :29:35: note: 'Scene::shapes' holds strong handles to 'Shape' in a 'std::vector<tenure::Ref<Shape>>'
    shapes.push_back(c);
  }
  void trace(tenure::Tracer &t) override { t(shapes); }
  std::vector<tenure::Ref<Shape>> shapes;
};

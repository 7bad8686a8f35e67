//===- HandleTypes.cpp - Which types are strong or weak handles -----------===//

#include "analyzer/ast/HandleTypes.h"

#include "analyzer/ast/ContainerVocabulary.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace tenure::analyzer {
namespace {

std::vector<std::string> splitNames(llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  List.split(Parts, ';', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Names;
  for (llvm::StringRef Part : Parts) {
    Part = Part.trim();
    Part.consume_front("::");
    if (!Part.empty())
      Names.push_back(Part.str());
  }
  return Names;
}

// Owning standard and Abseil templates: every type argument they are given
// is held (a map holds its keys and its values): the resizable containers
// and the fixed-size wrappers. Anything else from those namespaces (span,
// reference_wrapper, allocators, comparators) holds nothing.
const llvm::StringSet<> &owningTemplates() {
  static const llvm::StringSet<> Names = [] {
    llvm::StringSet<> All;
    for (const auto &Container : resizableContainers())
      All.insert(Container.getKey());
    for (llvm::StringRef Wrapper :
         {"std::array", "std::optional", "std::variant", "std::pair",
          "std::tuple", "std::unique_ptr", "absl::FixedArray", "absl::optional",
          "absl::variant"})
      All.insert(Wrapper);
    return All;
  }();
  return Names;
}

const llvm::StringSet<> &callableTemplates() {
  static const llvm::StringSet<> Names = {
      "std::function", "std::move_only_function", "absl::AnyInvocable"};
  return Names;
}

PrintingPolicy namePolicy(const ASTContext &Ctx) {
  PrintingPolicy Policy(Ctx.getLangOpts());
  Policy.SuppressInlineNamespace = true;
  Policy.SuppressTagKeyword = true;
  Policy.SuppressUnwrittenScope = true;
  Policy.FullyQualifiedName = true;
  Policy.PrintCanonicalTypes = true;
  return Policy;
}

std::string qualifiedName(const NamedDecl *D) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  D->printQualifiedName(OS, namePolicy(D->getASTContext()));
  return Name;
}

const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getCanonicalType();
  if (const auto *RT = T->getAs<RecordType>())
    return dyn_cast<CXXRecordDecl>(RT->getDecl());
  return nullptr;
}

// Template name of a specialization, or the record's own name.
std::string recordTemplateName(const CXXRecordDecl *RD) {
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    return qualifiedName(Spec->getSpecializedTemplate());
  return qualifiedName(RD);
}

// Type arguments of a specialization, packs expanded.
llvm::SmallVector<QualType, 4> typeArguments(const CXXRecordDecl *RD) {
  llvm::SmallVector<QualType, 4> Types;
  const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  if (!Spec)
    return Types;
  for (const TemplateArgument &Arg : Spec->getTemplateArgs().asArray()) {
    if (Arg.getKind() == TemplateArgument::Type)
      Types.push_back(Arg.getAsType());
    else if (Arg.getKind() == TemplateArgument::Pack)
      for (const TemplateArgument &Inner : Arg.pack_elements())
        if (Inner.getKind() == TemplateArgument::Type)
          Types.push_back(Inner.getAsType());
  }
  return Types;
}

} // namespace

HandleTypes::HandleTypes(llvm::StringRef StrongList, llvm::StringRef WeakList)
    : Strong(splitNames(StrongList)), Weak(splitNames(WeakList)) {}

std::string HandleTypes::templateName(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  return RD ? recordTemplateName(RD) : std::string();
}

const CXXRecordDecl *HandleTypes::strongTarget(QualType T) const {
  const CXXRecordDecl *RD = recordOf(T);
  if (!RD || !llvm::is_contained(Strong, recordTemplateName(RD)))
    return nullptr;
  llvm::SmallVector<QualType, 4> Args = typeArguments(RD);
  return Args.empty() ? nullptr : recordOf(Args.front());
}

bool HandleTypes::isStrongHandle(QualType T) const {
  if (T.isNull())
    return false;
  // In a template, Ref<T> names its template before it names a record.
  if (const auto *Spec =
          T.getCanonicalType()->getAs<TemplateSpecializationType>())
    if (const TemplateDecl *Template =
            Spec->getTemplateName().getAsTemplateDecl())
      return llvm::is_contained(Strong, qualifiedName(Template));
  const CXXRecordDecl *RD = recordOf(T);
  return RD && llvm::is_contained(Strong, recordTemplateName(RD));
}

bool HandleTypes::isWeak(QualType T) const {
  const CXXRecordDecl *RD = recordOf(T);
  return RD && llvm::is_contained(Weak, recordTemplateName(RD));
}

llvm::StringRef HandleTypes::weakPartner(llvm::StringRef StrongName) const {
  StrongName.consume_front("::");
  for (size_t I = 0; I < Strong.size() && I < Weak.size(); ++I)
    if (Strong[I] == StrongName)
      return Weak[I];
  return "";
}

std::vector<Held> HandleTypes::held(QualType T) const {
  std::vector<Held> Out;
  collect(T, /*InContainer=*/false, Out, 0);
  return Out;
}

void HandleTypes::collect(QualType T, bool InContainer, std::vector<Held> &Out,
                          unsigned Depth) const {
  if (T.isNull() || Depth > 8)
    return;
  T = T.getCanonicalType();
  if (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr()))
    return collect(AT->getElementType(), /*InContainer=*/true, Out, Depth + 1);
  const CXXRecordDecl *RD = recordOf(T);
  if (!RD)
    return;
  std::string Name = recordTemplateName(RD);
  if (llvm::is_contained(Strong, Name)) {
    if (const CXXRecordDecl *Target = strongTarget(T))
      Out.push_back({HoldKind::Strong, Target, InContainer});
    return;
  }
  if (llvm::is_contained(Weak, Name))
    return;
  if (callableTemplates().contains(Name)) {
    Out.push_back({HoldKind::Callback, nullptr, InContainer});
    return;
  }
  if (owningTemplates().contains(Name)) {
    for (QualType Arg : typeArguments(RD))
      collect(Arg, /*InContainer=*/true, Out, Depth + 1);
    return;
  }
  if (isLibraryRecord(RD) || RD->isLambda())
    return;
  // A user class held by value: its own fields are its edges.
  Out.push_back({HoldKind::Member, RD, InContainer});
}

bool isLibraryRecord(const CXXRecordDecl *RD) {
  const DeclContext *DC = RD->getDeclContext();
  while (DC && !DC->isTranslationUnit()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (!NS->isInlineNamespace() && NS->getParent()->isTranslationUnit()) {
        llvm::StringRef Top = NS->getName();
        return Top == "std" || Top == "absl" || Top.starts_with("__");
      }
    }
    DC = DC->getParent();
  }
  return false;
}

std::string recordName(const CXXRecordDecl *RD) {
  const ASTContext &Ctx = RD->getASTContext();
  // An unnamed struct prints with its line and column: name it by its
  // typedef, or by where it sits, so keys survive edits above it.
  if (!RD->getIdentifier()) {
    if (const TypedefNameDecl *Typedef = RD->getTypedefNameForAnonDecl())
      return qualifiedName(Typedef);
    if (const auto *Parent = dyn_cast<CXXRecordDecl>(RD->getDeclContext()))
      return recordName(Parent) + "::(anonymous " + RD->getKindName().str() +
             ")";
  }
  std::string Name = Ctx.getRecordType(RD).getAsString(namePolicy(Ctx));
  if (RD->isInAnonymousNamespace() || RD->isLocalClass()) {
    const SourceManager &SM = Ctx.getSourceManager();
    Name += "@";
    Name += SM.getFilename(SM.getSpellingLoc(RD->getLocation())).str();
  }
  return Name;
}

} // namespace tenure::analyzer

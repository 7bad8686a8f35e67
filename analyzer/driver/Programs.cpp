//===- Programs.cpp - Which translation units make one program ------------===//

#include "analyzer/driver/Programs.h"

#include "analyzer/driver/Paths.h"
#include "analyzer/io/Report.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>
#include <optional>
#include <set>

namespace tenure::analyzer {
namespace json = llvm::json;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

llvm::Expected<json::Value> readJSONFile(llvm::StringRef File,
                                         llvm::StringRef What) {
  auto Text = llvm::MemoryBuffer::getFile(File);
  if (!Text)
    return llvm::createStringError(File + ": cannot read the " + What + ": " +
                                   Text.getError().message());
  llvm::Expected<json::Value> V = json::parse((*Text)->getBuffer());
  if (!V)
    return llvm::createStringError(File + ": malformed " + What + ": " +
                                   llvm::toString(V.takeError()));
  return V;
}

//===-- Program files -----------------------------------------------------===//

llvm::Error programFileError(llvm::StringRef File, const llvm::Twine &What) {
  return llvm::createStringError(File + ": malformed program file: " + What);
}

/// Keys a program file's objects may have: a misspelt "source" would
/// otherwise leave a program empty without a word.
llvm::Error onlyKeys(const json::Object &O,
                     std::initializer_list<llvm::StringRef> Keys,
                     llvm::StringRef File, const llvm::Twine &Where) {
  for (const auto &[Key, Value] : O)
    if (!llvm::is_contained(Keys, llvm::StringRef(Key)))
      return programFileError(File,
                              "unknown key \"" + Key.str() + "\"" + Where);
  return llvm::Error::success();
}

/// The units \p Source names: itself, or those under it.
llvm::Expected<std::vector<std::string>>
unitsOfSource(llvm::StringRef File, llvm::StringRef Program,
              llvm::StringRef Source, llvm::StringRef Base,
              const llvm::StringSet<> &Known,
              llvm::ArrayRef<std::string> Units) {
  std::string Canonical = canonicalPath(Source, Base);
  auto Bad = [&](llvm::StringRef Why) {
    return llvm::createStringError(File + ": program \"" + Program +
                                   "\": " + Source + ": " + Why);
  };
  if (!fs::exists(Canonical))
    return Bad("no such file or directory");
  if (!fs::is_directory(Canonical)) {
    if (!Known.contains(Canonical))
      return Bad("not a translation unit of the run (the compile database "
                 "has no entry for it)");
    return std::vector<std::string>{Canonical};
  }
  std::string Prefix = Canonical + "/";
  std::vector<std::string> Under;
  for (const std::string &Unit : Units)
    if (llvm::StringRef(Unit).starts_with(Prefix))
      Under.push_back(Unit);
  if (Under.empty())
    return Bad("a folder with no translation unit of the run");
  return Under;
}

/// \p O's string member \p Key; none when \p O is not an object either.
std::optional<llvm::StringRef> stringOf(const json::Object *O,
                                        llvm::StringRef Key) {
  return O ? O->getString(Key) : std::nullopt;
}

//===-- The CMake file API ------------------------------------------------===//

struct Target {
  std::string Name;
  std::string Type;
  std::vector<std::string> Files;
  std::vector<std::string> Dependencies; ///< Target ids.
  std::vector<std::string> Artifacts;    ///< As the build folder names them.
  /// The libraries of its link line, for a target that is linked (an
  /// executable, a shared library); none for an archive.
  std::optional<std::set<std::string>> LinkLine;
};

/// A fragment is one library ("lib/libx.a", quoted when its path has a
/// space) or several words ("-Wl,--whole-archive lib/libx.a
/// -Wl,--no-whole-archive"): each is kept, so that a library is found
/// either way.
void addLinkFragment(llvm::StringRef Fragment, std::set<std::string> &Line) {
  Line.insert(Fragment.trim().trim('"').str());
  llvm::SmallVector<llvm::StringRef, 4> Words;
  Fragment.split(Words, ' ', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef W : Words)
    Line.insert(W.trim('"').str());
}

/// Whether \p D, a dependency that can be linked, is part of what links
/// with \p Linker's link line. "dependencies" also lists add_dependencies()
/// targets, which only order the build: a library that has an artifact is
/// linked only when the link line names it. An object or interface library
/// has none to look for, so it counts, as does anything under a target
/// whose link line the reply does not give.
bool onLinkLine(const Target *Linker, const Target &D) {
  if (!Linker || !Linker->LinkLine || D.Artifacts.empty())
    return true;
  return llvm::any_of(D.Artifacts, [&](const std::string &A) {
    return Linker->LinkLine->count(A) != 0;
  });
}

bool isProgram(llvm::StringRef Type) {
  return Type == "EXECUTABLE" || Type == "SHARED_LIBRARY" ||
         Type == "MODULE_LIBRARY";
}

/// What a target's code is linked with. A dependency on an executable,
/// a utility or a module (which cannot be linked) only orders the build.
bool isLinked(llvm::StringRef Type) {
  return Type == "STATIC_LIBRARY" || Type == "OBJECT_LIBRARY" ||
         Type == "SHARED_LIBRARY" || Type == "INTERFACE_LIBRARY";
}

class ReplyReader {
public:
  explicit ReplyReader(std::string Folder) : Folder(std::move(Folder)) {}

  /// The codemodel's file, "" when the reply has none.
  llvm::Expected<std::string> codemodelFile() {
    std::error_code EC;
    std::string Index;
    for (fs::directory_iterator It(Folder, EC), End; It != End && !EC;
         It.increment(EC)) {
      llvm::StringRef Name = path::filename(It->path());
      // The newest index has the greatest name (its time stamp).
      if (Name.starts_with("index-") && Name.ends_with(".json") &&
          Name > llvm::StringRef(Index))
        Index = Name.str();
    }
    if (EC)
      return llvm::createStringError(Folder +
                                     ": cannot read the CMake file "
                                     "API reply: " +
                                     EC.message());
    if (Index.empty())
      return "";
    std::string IndexFile = join(Index);
    llvm::Expected<json::Value> V = read(IndexFile);
    if (!V)
      return V.takeError();
    const json::Object *O = V->getAsObject();
    const json::Array *Objects = O ? O->getArray("objects") : nullptr;
    if (!Objects)
      return malformed(IndexFile, "no \"objects\" list");
    for (const json::Value &Entry : *Objects) {
      const json::Object *E = Entry.getAsObject();
      const json::Object *Version = E ? E->getObject("version") : nullptr;
      if (!E || E->getString("kind") != "codemodel" || !Version ||
          Version->getInteger("major") != 2)
        continue;
      std::optional<llvm::StringRef> File = E->getString("jsonFile");
      if (!File)
        return malformed(IndexFile, "the codemodel entry has no \"jsonFile\"");
      return join(*File);
    }
    return "";
  }

  llvm::Expected<ProgramList> programs(llvm::StringRef Codemodel) {
    llvm::Expected<json::Value> V = read(Codemodel);
    if (!V)
      return V.takeError();
    const json::Object *O = V->getAsObject();
    const json::Object *Paths = O ? O->getObject("paths") : nullptr;
    std::optional<llvm::StringRef> Source = stringOf(Paths, "source");
    const json::Array *Configurations =
        O ? O->getArray("configurations") : nullptr;
    if (!Source || !Configurations)
      return malformed(Codemodel, "no \"paths\".\"source\" or "
                                  "\"configurations\"");
    // Ids, in the codemodel's order; a multi-configuration build lists
    // each target once per configuration, with the same id.
    std::vector<std::string> Order;
    std::map<std::string, Target> Targets;
    for (const json::Value &C : *Configurations) {
      const json::Object *CO = C.getAsObject();
      const json::Array *List = CO ? CO->getArray("targets") : nullptr;
      if (!List)
        return malformed(Codemodel, "a configuration has no \"targets\"");
      for (const json::Value &T : *List) {
        const json::Object *TO = T.getAsObject();
        std::optional<llvm::StringRef> Id = stringOf(TO, "id");
        std::optional<llvm::StringRef> File = stringOf(TO, "jsonFile");
        if (!Id || !File)
          return malformed(Codemodel, "a target without \"id\" or "
                                      "\"jsonFile\"");
        auto [It, New] = Targets.try_emplace(Id->str());
        if (New)
          Order.push_back(Id->str());
        if (llvm::Error Err = readTarget(join(*File), *Source, It->second))
          return Err;
      }
    }

    ProgramList L;
    L.Origin = Folder;
    std::set<std::string> Linked; // Reached from a program.
    auto Closure = [&](const std::string &Root) {
      std::set<std::string> Seen = {Root};
      // Each target to visit, with the nearest target above it that links
      // (the program, or a shared library on the way), whose link line
      // says which of its dependencies are linked.
      std::vector<std::pair<std::string, const Target *>> Work = {
          {Root, Targets[Root].LinkLine ? &Targets[Root] : nullptr}};
      while (!Work.empty()) {
        auto [Id, Linker] = std::move(Work.back());
        Work.pop_back();
        for (const std::string &D : Targets[Id].Dependencies) {
          auto It = Targets.find(D);
          if (It == Targets.end() || !isLinked(It->second.Type) ||
              !onLinkLine(Linker, It->second) || !Seen.insert(D).second)
            continue;
          Work.emplace_back(D, It->second.LinkLine ? &It->second : Linker);
        }
      }
      Program P;
      P.Name = Targets[Root].Name;
      std::set<std::string> Files;
      for (const std::string &Id : Seen)
        Files.insert(Targets[Id].Files.begin(), Targets[Id].Files.end());
      P.Files.assign(Files.begin(), Files.end());
      return std::make_pair(std::move(P), std::move(Seen));
    };
    for (const std::string &Id : Order)
      if (isProgram(Targets[Id].Type)) {
        auto [P, Members] = Closure(Id);
        Linked.insert(Members.begin(), Members.end());
        L.Programs.push_back(std::move(P));
      }
    for (const std::string &Id : Order) {
      llvm::StringRef Type = Targets[Id].Type;
      if ((Type == "STATIC_LIBRARY" || Type == "OBJECT_LIBRARY") &&
          !Linked.count(Id))
        L.Programs.push_back(Closure(Id).first);
    }
    return L;
  }

private:
  std::string join(llvm::StringRef Name) const {
    llvm::SmallString<256> P(Folder);
    path::append(P, Name);
    return std::string(P);
  }

  llvm::Error malformed(llvm::StringRef File, const llvm::Twine &What) {
    return llvm::createStringError(File + ": malformed CMake file API reply: " +
                                   What + " (re-run cmake to write it again)");
  }

  llvm::Expected<json::Value> read(llvm::StringRef File) {
    llvm::Expected<json::Value> V = readJSONFile(File, "CMake file API reply");
    if (!V)
      return llvm::createStringError(llvm::toString(V.takeError()) +
                                     " (re-run cmake to write it again)");
    return V;
  }

  llvm::Error readTarget(const std::string &File, llvm::StringRef SourceDir,
                         Target &T) {
    llvm::Expected<json::Value> V = read(File);
    if (!V)
      return V.takeError();
    const json::Object *O = V->getAsObject();
    std::optional<llvm::StringRef> Name = stringOf(O, "name");
    std::optional<llvm::StringRef> Type = stringOf(O, "type");
    if (!Name || !Type)
      return malformed(File, "a target without \"name\" or \"type\"");
    T.Name = Name->str();
    T.Type = Type->str();
    if (const json::Array *Sources = O->getArray("sources"))
      for (const json::Value &S : *Sources) {
        const json::Object *SO = S.getAsObject();
        std::optional<llvm::StringRef> Path = stringOf(SO, "path");
        if (!Path)
          return malformed(File, "a source without \"path\"");
        // Only compiled sources have a compile group (not headers or the
        // object files of an object library).
        if (SO->get("compileGroupIndex"))
          T.Files.push_back(canonicalPath(*Path, SourceDir));
      }
    if (const json::Array *Artifacts = O->getArray("artifacts"))
      for (const json::Value &A : *Artifacts) {
        const json::Object *AO = A.getAsObject();
        std::optional<llvm::StringRef> Path = stringOf(AO, "path");
        if (!Path)
          return malformed(File, "an artifact without \"path\"");
        T.Artifacts.push_back(Path->str());
      }
    if (const json::Object *Link = O->getObject("link")) {
      // A multi-configuration reply reads each target once per
      // configuration: the union of their link lines.
      if (!T.LinkLine)
        T.LinkLine.emplace();
      if (const json::Array *Fragments = Link->getArray("commandFragments"))
        for (const json::Value &F : *Fragments) {
          const json::Object *FO = F.getAsObject();
          std::optional<llvm::StringRef> Text = stringOf(FO, "fragment");
          // A library missed here would leave its program.
          if (!Text)
            return malformed(File, "a link fragment without \"fragment\"");
          if (FO->getString("role") == "libraries")
            addLinkFragment(*Text, *T.LinkLine);
        }
    }
    if (const json::Array *Dependencies = O->getArray("dependencies"))
      for (const json::Value &D : *Dependencies) {
        const json::Object *DO = D.getAsObject();
        std::optional<llvm::StringRef> Id = stringOf(DO, "id");
        if (!Id)
          return malformed(File, "a dependency without \"id\"");
        T.Dependencies.push_back(Id->str());
      }
    return llvm::Error::success();
  }

  std::string Folder;
};

std::string replyFolder(llvm::StringRef BuildDir) {
  llvm::SmallString<256> P(BuildDir);
  path::append(P, ".cmake", "api", "v1", "reply");
  return std::string(P);
}

} // namespace

llvm::Expected<ProgramList> readProgramFile(llvm::StringRef File,
                                            llvm::ArrayRef<std::string> Units) {
  llvm::Expected<json::Value> V = readJSONFile(File, "program file");
  if (!V)
    return V.takeError();
  const json::Object *O = V->getAsObject();
  if (!O || !O->get("tenure_programs"))
    return llvm::createStringError(
        File + ": not a tenure program file (no \"tenure_programs\" version; "
               "docs/analyzer.md has the format)");
  std::optional<int64_t> Version = O->getInteger("tenure_programs");
  if (!Version || *Version < 1)
    return programFileError(File, "\"tenure_programs\" must be a positive "
                                  "integer");
  if (*Version > ProgramsVersion)
    return llvm::createStringError(llvm::formatv(
        "{0}: program file version {1} is newer than this tenure-analyze "
        "reads ({2})",
        File, *Version, ProgramsVersion));
  if (llvm::Error Err = onlyKeys(*O, {"tenure_programs", "programs"}, File, ""))
    return Err;
  const json::Array *List = O->getArray("programs");
  if (!List)
    return programFileError(File, "no \"programs\" list");

  llvm::StringSet<> Known;
  for (const std::string &Unit : Units)
    Known.insert(Unit);
  std::string Base(path::parent_path(canonicalPath(File)));
  ProgramList L;
  L.Origin = File.str();
  llvm::StringSet<> Names;
  for (const json::Value &Entry : *List) {
    const json::Object *P = Entry.getAsObject();
    std::optional<llvm::StringRef> Name = stringOf(P, "name");
    if (!Name || Name->empty())
      return programFileError(File, "a program without a \"name\"");
    std::string Where = " in program \"" + Name->str() + "\"";
    if (!Names.insert(*Name).second)
      return programFileError(File, "two programs named \"" + *Name + "\"");
    if (llvm::Error Err = onlyKeys(*P, {"name", "sources"}, File, Where))
      return Err;
    const json::Array *Sources = P->getArray("sources");
    if (!Sources || Sources->empty())
      return programFileError(File, "no \"sources\" list" + Where);
    Program Made;
    Made.Name = Name->str();
    llvm::StringSet<> Have;
    for (const json::Value &S : *Sources) {
      std::optional<llvm::StringRef> Source = S.getAsString();
      if (!Source || Source->empty())
        return programFileError(File, "a source that is not a path" + Where);
      llvm::Expected<std::vector<std::string>> Named =
          unitsOfSource(File, *Name, *Source, Base, Known, Units);
      if (!Named)
        return Named.takeError();
      for (std::string &Unit : *Named)
        if (Have.insert(Unit).second)
          Made.Files.push_back(std::move(Unit));
    }
    L.Programs.push_back(std::move(Made));
  }
  return L;
}

llvm::Expected<std::optional<ProgramList>>
readCMakePrograms(llvm::StringRef BuildDir) {
  std::string Folder = replyFolder(BuildDir);
  if (!fs::is_directory(Folder))
    return std::nullopt;
  ReplyReader Reader(Folder);
  llvm::Expected<std::string> Codemodel = Reader.codemodelFile();
  if (!Codemodel)
    return Codemodel.takeError();
  if (Codemodel->empty())
    return std::nullopt;
  llvm::Expected<ProgramList> L = Reader.programs(*Codemodel);
  if (!L)
    return L.takeError();
  return std::move(*L);
}

std::string cmakeQueryFile(llvm::StringRef BuildDir) {
  llvm::SmallString<256> Cache(BuildDir);
  path::append(Cache, "CMakeCache.txt");
  if (!fs::exists(Cache))
    return "";
  llvm::SmallString<256> Query(BuildDir);
  path::append(Query, ".cmake", "api", "v1", "query");
  path::append(Query, "codemodel-v2");
  return std::string(Query);
}

llvm::Expected<std::optional<ProgramList>>
programsOfRun(const Options &O, llvm::ArrayRef<std::string> Units) {
  if (O.OneProgram)
    return std::nullopt;
  if (!O.ProgramsFile.empty()) {
    if (!fs::is_directory(O.ProgramsFile))
      return readProgramFile(O.ProgramsFile, Units);
    llvm::Expected<std::optional<ProgramList>> L =
        readCMakePrograms(O.ProgramsFile);
    if (L && !*L)
      return llvm::createStringError(
          O.ProgramsFile + ": no CMake file API codemodel reply: touch " +
          (cmakeQueryFile(O.ProgramsFile).empty()
               ? O.ProgramsFile + "/.cmake/api/v1/query/codemodel-v2"
               : cmakeQueryFile(O.ProgramsFile)) +
          " and re-run cmake, or give a program file");
    return L;
  }
  if (!O.BuildPath.empty())
    return readCMakePrograms(O.BuildPath);
  return std::nullopt;
}

std::vector<UnitGroup> groupUnits(const ProgramList &L,
                                  llvm::ArrayRef<std::string> Units) {
  llvm::StringMap<std::vector<size_t>> Index;
  for (size_t I = 0; I < Units.size(); ++I)
    Index[Units[I]].push_back(I);
  std::vector<UnitGroup> Groups;
  std::set<std::vector<size_t>> Seen;
  std::vector<bool> Placed(Units.size());
  for (const Program &P : L.Programs) {
    UnitGroup G{P.Name, {}, false};
    for (const std::string &File : P.Files) {
      auto It = Index.find(File);
      if (It == Index.end())
        continue;
      for (size_t I : It->second) {
        G.Units.push_back(I);
        Placed[I] = true;
      }
    }
    llvm::sort(G.Units);
    G.Units.erase(std::unique(G.Units.begin(), G.Units.end()), G.Units.end());
    if (!G.Units.empty() && Seen.insert(G.Units).second)
      Groups.push_back(std::move(G));
  }
  UnitGroup Rest{"(units of no program)", {}, /*OfNoProgram=*/true};
  for (size_t I = 0; I < Units.size(); ++I)
    if (!Placed[I])
      Rest.Units.push_back(I);
  if (!Rest.Units.empty())
    Groups.push_back(std::move(Rest));
  return Groups;
}

void writeProgramFile(llvm::raw_ostream &OS, const ProgramList &L,
                      llvm::StringRef Root) {
  json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    J.attribute("tenure_programs", ProgramsVersion);
    J.attributeArray("programs", [&] {
      for (const Program &P : L.Programs)
        J.object([&] {
          J.attribute("name", P.Name);
          J.attributeArray("sources", [&] {
            for (const std::string &File : P.Files)
              J.value(displayPath(File, Root));
          });
        });
    });
  });
  OS << '\n';
}

} // namespace tenure::analyzer

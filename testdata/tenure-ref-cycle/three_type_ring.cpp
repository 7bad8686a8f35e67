// Three types in a ring: a game owns players, a player owns a score card,
// the card points back at the game.
#include <memory>
#include <vector>

struct Game;
struct ScoreCard {
  std::shared_ptr<Game> game;
};
struct Player {
  std::shared_ptr<ScoreCard> card;
};
struct Game : std::enable_shared_from_this<Game> {
  std::vector<std::shared_ptr<Player>> players;

  void join(std::shared_ptr<Player> p) {
    p->card = std::make_shared<ScoreCard>();
    p->card->game = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: strong reference cycle ScoreCard -game-> Game -players-> Player -card-> ScoreCard closed here: {{.*}}; make 'ScoreCard::game' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :8:25: note: 'ScoreCard::game' holds a strong handle to 'Game'
    // CHECK-MESSAGES: :14:40: note: 'Game::players' holds strong handles to 'Player' in a 'std::vector<std::shared_ptr<Player>>'
    // CHECK-MESSAGES: :11:30: note: 'Player::card' holds a strong handle to 'ScoreCard'
    players.push_back(std::move(p));
  }
};

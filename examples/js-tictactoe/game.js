// js-tictactoe: the state of a shared game lives in the K/V store (`Cache`, namespace in
// game.toml) as a JSON string, so every player sees the same board.
//   GET /game             -> the state
//   PUT /game {"cell": 4}  -> plays the next player's mark in cell 0-8 (400 if not allowed)
//   DELETE /game          -> a new game
// public/index.html is a small page that plays it.
const KEY = "game";
const LINES = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];

const newGame = () => ({ board: Array(9).fill(null), next: "X", winner: null });

const load = () => {
  const saved = Cache.get(KEY);
  return saved ? JSON.parse(saved) : newGame();
};

const winnerOf = (board) => {
  for (const [a, b, c] of LINES) if (board[a] && board[a] === board[b] && board[a] === board[c]) return board[a];
  return board.every(Boolean) ? "draw" : null;
};

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

async function play(request) {
  let move;
  try {
    move = await request.json();
  } catch {
    return json({ error: "send JSON like {\"cell\": 4}" }, 400);
  }
  const game = load();
  const cell = move?.cell;
  if (game.winner) return json({ error: "the game is over: DELETE /game for a new one", game }, 400);
  if (!Number.isInteger(cell) || cell < 0 || cell > 8) return json({ error: "cell must be 0-8", game }, 400);
  if (game.board[cell]) return json({ error: "that cell is taken", game }, 400);
  game.board[cell] = game.next;
  game.next = game.next === "X" ? "O" : "X";
  game.winner = winnerOf(game.board);
  Cache.set(KEY, JSON.stringify(game));
  return json(game);
}

addEventListener("fetch", (event) => {
  const { method } = event.request;
  if (method === "GET") return event.respondWith(json(load()));
  if (method === "PUT") return event.respondWith(play(event.request));
  if (method === "DELETE") {
    Cache.delete(KEY);
    return event.respondWith(json(newGame()));
  }
  event.respondWith(new Response("Method not allowed", { status: 405, headers: { allow: "GET, PUT, DELETE" } }));
});

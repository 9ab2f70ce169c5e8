// Every error the app shows, in words. The backend answers with stable codes (docs/protocol.md,
// "Error codes"); this is the one place that turns them into sentences for a learner.

const SENTENCES: Record<string, string> = {
  INVALID_PAYLOAD: "That doesn't look right. Check what you typed and try again.",
  UNKNOWN_EVENT: "The app asked the server for something it doesn't know. Reload the page.",
  UNAUTHORIZED: "Your session has ended. Please sign in again.",
  UNSUPPORTED_PROTOCOL: "This page is out of date. Reload it to get the latest version.",
  CHALLENGE_NOT_FOUND: "There is no challenge with this code. Check the link you were sent.",
  OWN_CHALLENGE: "This is your own challenge. Send the link to a friend instead.",
  CHALLENGE_UNAVAILABLE: "Someone else already accepted this challenge, or it was cancelled.",
  CHALLENGE_EXPIRED: "This challenge expired before anyone accepted it. Ask for a new link.",
  TOO_MANY_CHALLENGES: "You have too many open challenges. Wait for one to be accepted or to expire.",
  BATTLE_NOT_FOUND: "This battle doesn't exist. Check the link.",
  NOT_A_PARTICIPANT: "Only the two players can do that in this battle.",
  BATTLE_NOT_STARTED: "The battle hasn't started yet. Wait for the countdown to end.",
  BATTLE_FINISHED: "The battle is already over.",
  BATTLE_OVER: "Time is up: this submission came too late.",
  TOO_MANY_PENDING: "Your earlier submissions are still being judged. Submit again once one has a verdict.",
  LOCK_BUSY: "The server is busy starting this battle. Try again in a moment.",
  LOCK_LOST: "The battle could not be started. Try again in a moment.",
  LOCK_UNAVAILABLE: "The server is having trouble right now. Try again in a few seconds.",
  FENCING_REJECTED: "The battle was started by another request. Look for it in the lobby.",
  BATTLE_EXISTS: "That battle already exists.",
  ALREADY_QUEUED: "You are already waiting for an opponent.",
  ALREADY_IN_BATTLE: "You are still in an unfinished battle. Finish it or resign first.",
  NOT_QUEUED: "You were not waiting for an opponent (maybe one was just found).",
  RATE_LIMITED: "You're going a bit fast. Wait a moment and try again.",
  TOO_MANY_IN_FLIGHT: "Still waiting for the server to answer your earlier actions. Try again shortly.",
  BUSY: "The server is very busy right now. Try again in a moment.",
  NAME_TAKEN: "That name is taken. Pick another one.",
  INVALID_CREDENTIALS: "The user name or password is wrong.",
  ACCOUNT_LOCKED: "Too many failed sign-ins. Wait a little before trying again.",
  USER_NOT_FOUND: "There is no player with this name.",
  BATTLE_NOT_OVER: "Sources are shown only once the battle has ended.",
  SOURCES_PRIVATE: "The players chose not to share their sources.",
  NOT_FOUND: "This page or item doesn't exist.",
  METHOD_NOT_ALLOWED: "The app asked the server in a way it doesn't accept. Reload the page.",
  ALREADY_REGISTERED: "This account is already registered.",
  INVALID_REFRESH_TOKEN: "Your session has ended. Please sign in again.",
  REFRESH_TOKEN_REUSED: "For your safety this session was closed. Please sign in again.",
  FORBIDDEN: "You are not allowed to do that.",
  PROBLEM_NOT_FOUND: "This problem doesn't exist.",
  RUN_NOT_FOUND: "This run's result is no longer available. Run your code again.",
  TOURNAMENT_NOT_FOUND: "There is no tournament with this link. Check the address.",
  TOURNAMENT_STATE: "The tournament hasn't started yet: its bracket is drawn when it starts.",
  INTERNAL: "Something went wrong on our side. Please try again.",
  DRAINING: "The server is restarting. Reconnecting…",
  NETWORK: "Can't reach the server. Check your connection; we'll keep trying.",
  TIMEOUT: "The server took too long to answer. Try again.",
};

/** An error from the backend, carrying its stable code. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The sentence for a backend error code (or a connect_error message starting with one). */
export function describe(codeOrMessage: string): string {
  const code = codeOrMessage.split(/[:\s]/, 1)[0];
  return SENTENCES[code] ?? "Something went wrong. Please try again.";
}

/** The sentence for anything thrown by the API or socket helpers. */
export function describeError(error: unknown): string {
  if (error instanceof AppError) return describe(error.code);
  if (error instanceof Error) return describe(error.message);
  return describe("");
}

/**
 * The sentence for a Socket.IO `connect_error`: the server's refusals start with a code
 * (`UNAUTHORIZED: …`, `RATE_LIMITED: …`); anything else is the network.
 */
export function describeConnectError(message: string): string {
  const code = message.split(/[:\s]/, 1)[0];
  return describe(code in SENTENCES ? code : "NETWORK");
}

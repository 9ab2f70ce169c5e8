"use client";
// One socket per mounted page section, connected while it is on screen.
import { useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import { connect } from "./socket";

export function useSocket(token: string): Socket {
  // Created once per component: a new token remounts the component (callers key it).
  const [socket] = useState(() => connect(token));
  useEffect(() => {
    socket.connect();
    return () => {
      socket.disconnect();
    };
  }, [socket]);
  return socket;
}

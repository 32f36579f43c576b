/**
 * Checks from inside a namespace whether a TCP port answers, with Node itself (a fresh Debian box
 * has no ping, nc or curl), so a test can assert what the topology lets through.
 */
import { execIn } from './lab';

/** True when a TCP connection from `ns` to ip:port opens within `timeoutMs`. */
export async function canConnect(ns: string, ip: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  const script = `const s=require('net').connect(${port},'${ip}',()=>{s.destroy();process.exit(0)});s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),${timeoutMs}).unref()`;
  try {
    await execIn(ns, process.execPath, ['-e', script], { timeoutMs: timeoutMs + 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds a TCP handshake from `ns` to ip:port takes (about one round trip), measured inside `ns`. */
export async function tcpConnectMs(ns: string, ip: string, port: number, timeoutMs = 5_000): Promise<number> {
  const script = `const t=performance.now();const s=require('net').connect(${port},'${ip}',()=>{console.log('connect-ms '+(performance.now()-t));s.destroy();process.exit(0)});s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),${timeoutMs}).unref()`;
  const output = await execIn(ns, process.execPath, ['-e', script], { timeoutMs: timeoutMs + 5_000 });
  // Matched by a label: a test runner's NODE_OPTIONS may add output of its own.
  const measured = /connect-ms ([\d.]+)/.exec(output)?.[1];
  if (measured === undefined) throw new Error(`No handshake time from ${ns} to ${ip}:${port}: ${output}`);
  return Number(measured);
}

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

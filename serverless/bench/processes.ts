/** The bench's helper processes: this same entry forked with a --role=… first argument. */
import { fork } from 'child_process';
import type { ChildProcess } from 'child_process';

/** Forks this same bench entry in another role; the launcher path is the script node was given. */
export function forkRole(role: string, env: Record<string, string> = {}): ChildProcess {
  return fork(process.argv[1], [`--role=${role}`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`child process exited (${code}) before it answered`)));
  });
}

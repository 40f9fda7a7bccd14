import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Preloaded (`node -r dist/bench/profiler-hook.js dist/main.js`) into a service child the bench
 * profiles, over an IPC channel: 'profile-start' starts the V8 CPU profiler, 'profile-stop' writes
 * the profile to BENCH_PROFILE_FILE. (`node --cpu-prof` writes nothing here: the service ends on
 * SIGTERM by re-raising the signal, and a process ended by a signal never writes its profile; nor
 * can a signal start it: the service's shutdown hooks listen to SIGUSR2 as well.)
 */
const file = process.env.BENCH_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on('message', (message) => {
    if (message === 'profile-start' && !profiling) {
      profiling = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
      return;
    }
    if (message !== 'profile-stop' || !profiling) return;
    profiling = false;
    session.post('Profiler.stop', (error, result) => {
      writeFileSync(`${file}.tmp`, error ? JSON.stringify({ error: error.message }) : JSON.stringify(result.profile));
      // Renamed when complete, so the bench never reads half a file.
      renameSync(`${file}.tmp`, file);
    });
  });
  // The channel alone never keeps the service alive.
  process.channel?.unref();
}

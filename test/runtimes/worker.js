// The dedicated module worker of page.html: runs one job in the worker's realm and posts the result back.
import { runJob } from './realm.js';

self.onmessage = async (e) => {
  self.postMessage(await runJob(e.data.url, e.data.globals));
};

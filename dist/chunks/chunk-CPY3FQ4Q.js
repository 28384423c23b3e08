import { createRequire as __flowCreateRequire } from 'node:module'; import { fileURLToPath as __flowFileURLToPath } from 'node:url'; const require = __flowCreateRequire(import.meta.url); const __filename = __flowFileURLToPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));
import{randomUUID as e}from"node:crypto";function s(n,i="flow"){let o=`${i}-${e().replace(/-/g,"")}`;return n.info(`::stop-commands::${o}`),()=>n.info(`::${o}::`)}function c(n,i,o){let r=s(n,o);try{for(let t of i.replace(/\n$/,"").split(`
`))n.info(t)}finally{r()}}export{s as a,c as b};

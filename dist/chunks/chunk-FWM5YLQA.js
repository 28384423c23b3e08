import{d as r}from"./chunk-PURHAJKP.js";function s(n,i="flow"){let o=`${i}-${r(16)}`;return n.info(`::stop-commands::${o}`),()=>n.info(`::${o}::`)}function c(n,i,o){let t=s(n,o);try{for(let e of i.replace(/\n$/,"").split(`
`))n.info(e)}finally{t()}}export{s as a,c as b};

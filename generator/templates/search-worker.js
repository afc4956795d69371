/* The site's search worker: Material's search box and results as they are, without lunr.

   Material's own worker builds a lunr index of every entry of search/search_index.json before it answers a first
   query: 3.4 s at 3,000 briefings (57,772 entries) on an idle 2-core machine, however rare the word. This worker
   speaks the same messages (Material's "custom search" extension point) and keeps each field of every entry as one
   lowercased string of its words, which it scans for each query: the first results come as soon as the index has
   arrived, and a query takes 10-250 ms (at 3,000 briefings; the most for one letter). What it does as Material's
   does: the separator and stop words of the index's config, a word typed plainly a prefix ("vlad" finds
   "Vladimir"), quoted and + words that must be there and - words that must not, each whole, the fields' boosts, a
   page ranked above its sections, the results grouped by page, the matches marked, the two blocks of a section's
   text that match as its teaser. What it does not: stemming
   (Material's default pipeline has none either), fuzzy (~) and per-field (title:) queries, search suggestions.
   Plain script, no module, no library: it runs as a Worker and, from file://, in the iframe shim. */
"use strict"

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

// lunr's English stop words (lunr.stopWordFilter). With "stopWordFilter" in the pipeline, as Material's index they
// are no words of an entry; a query's +, - and quoted terms leave them out, while a term typed plainly, a prefix,
// keeps them ("in" finds "International", as in Material's search).
var STOP_WORDS = new Set((
  "a able about across after all almost also am among an and any are as at be because been but by can cannot " +
  "could dear did do does either else ever every for from get got had has have he her hers him his how however i " +
  "if in into is it its just least let like likely may me might most must my neither no nor not of off often on " +
  "only or other our own rather said say says she should since so some than that the their them then there these " +
  "they this tis to too twas us wants was we were what when where which while who whom why will with would yet " +
  "you your").split(" "))

var STOP_PREFIXES = new Set()
STOP_WORDS.forEach(function (word) {
  for (var i = 1; i <= word.length; i++) STOP_PREFIXES.add(word.slice(0, i))
})

var WORD = "\\p{L}\\p{N}\\p{M}\\u200c\\u200d"  // a word's characters, in any script (ZWNJ: Persian)
var PUNCTUATION = new RegExp("[^" + WORD + " ]+", "gu")  // no lookbehind: Safari has it only from 16.4
var MAX_QUERY = 1000  // characters: a query is a few words, and a link can fill the box (Material reads ?q=)
var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&#x27;": "'", "&nbsp;": " "}
var K1 = 1.2  // lunr's term-frequency saturation

var index = null

/* The words of a field, lowercased, each after a space: " al-assad met" -> " al assad met" with "-" a separator.
   A word begins where a query's term may match: at a space. */
function words(value, separator) {
  var text = value.replace(/<[^<>]*>/g, " ").replace(/&[#a-z0-9]+;/gi, function (e) { return ENTITIES[e] || e })
  return " " + text.replace(separator, " ").toLowerCase().replace(PUNCTUATION, trimEdge).replace(/ +/g, " ").trim()
}

/* Punctuation at either end of a word goes ("(Putin)," -> "putin"); within one it stays ("u.s", "al-assad"
   unless "-" separates). */
function trimEdge(run, at, text) {
  var end = at + run.length
  return at === 0 || text[at - 1] === " " || end === text.length || text[end] === " " ? "" : run
}

/* One field of every entry, as one string with the offset where each entry's words begin. */
function Field(name, boost) {
  this.name = name
  this.boost = boost
  this.parts = []
  this.starts = []
  this.length = 0
}

Field.prototype.add = function (value, separator) {
  this.starts.push(this.length)
  if (value === undefined || value === null)
    return
  var text = words(Array.isArray(value) ? value.join(" ") : String(value), separator)
  this.parts.push(text)
  this.length += text.length
}

Field.prototype.seal = function () {
  this.text = this.parts.join("")
  this.parts = null
  this.starts = Int32Array.from(this.starts)
}

/* Calls back (entry, count) for each entry whose field has words beginning with the term (`exact`: that are the
   term), in entry order; a stop word is no word of an entry (see STOP_WORDS). */
Field.prototype.count = function (term, exact, stopWords, found) {
  var needle = " " + term, text = this.text, starts = this.starts, last = starts.length - 1
  var stops = stopWords && STOP_PREFIXES.has(term)
  var doc = 0, tf = 0
  for (var at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    var end = at + needle.length
    if (exact || stops) {
      var next = text.indexOf(" ", end)
      if (next === -1) next = text.length
      if ((exact && next !== end) || (stops && STOP_WORDS.has(text.slice(at + 1, next))))
        continue
    }
    var d = doc
    while (d < last && starts[d + 1] <= at) d++  // matches come in order: the entries are walked once
    if (d !== doc && tf) {
      found(doc, tf)
      tf = 0
    }
    doc = d
    tf++
  }
  if (tf) found(doc, tf)
}

/* The index's separator, read as Unicode where it can be (Material's worker reads it without the flag). */
function separatorOf(source) {
  try {
    return new RegExp(source, "gu")
  } catch (err) {
    return new RegExp(source, "g")
  }
}

function setup(data) {
  var config = data.config || {}
  var docs = data.docs || []
  var separator = separatorOf(config.separator || "[\\s\\-]+")
  var boosts = config.fields || {title: {boost: 1000}, text: {boost: 1}, tags: {boost: 1000000}}
  var fields = Object.keys(boosts).map(function (name) {
    return new Field(name, (boosts[name] && boosts[name].boost) || 1)
  })
  var articles = new Map(), parents = new Array(docs.length)
  for (var i = 0; i < docs.length; i++) {
    var doc = docs[i]
    for (var f = 0; f < fields.length; f++)
      fields[f].add(doc[fields[f].name], separator)
    var path = doc.location.split("#")[0]  // as Material: an entry after its page's is a section of it
    if (articles.has(path)) parents[i] = articles.get(path)
    else articles.set(path, i)
  }
  fields.forEach(function (field) { field.seal() })
  var pipeline = config.pipeline || ["stopWordFilter"]
  index = {
    docs: docs, fields: fields, articles: articles, parents: parents, separator: separator,
    stopWords: pipeline.indexOf("stopWordFilter") !== -1 && (config.lang || ["en"]).indexOf("en") !== -1
  }
}

/* The query's terms, as Material reads a query: a word typed plainly is the beginning of a word; quoted words and
   +words must be there, -words must not, each as a whole word. */
function parse(query) {
  var clauses = [], seen = new Set()
  var parts = query.slice(0, MAX_QUERY).trim().split(/"([^"]*)"/)
  for (var p = 0; p < parts.length; p++) {
    var tokens = parts[p].split(/\s+/)
    for (var t = 0; t < tokens.length; t++) {
      var token = tokens[t], presence = p % 2 ? "required" : "optional"
      if (token[0] === "+") presence = "required"
      else if (token[0] === "-") presence = "prohibited"
      token = token.replace(/^[+-]+/, "").replace(/^[a-z]+:(?=.)/i, "").replace(/[*]|[~^]\d*$/g, "")
      var terms = words(token, index.separator).split(" ")
      for (var w = 0; w < terms.length; w++) {
        var term = terms[w]
        if (!term || (index.stopWords && presence !== "optional" && STOP_WORDS.has(term)) ||
            seen.has(presence + term))
          continue
        seen.add(presence + term)
        clauses.push({term: term, presence: presence})
      }
    }
  }
  return clauses
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/* A match of a query's pattern, (what comes before)(the word), marked unless a stop word (no word of an entry). */
function markWord(all, before, word) {
  return index.stopWords && STOP_WORDS.has(word.toLowerCase()) ? all : before + "<mark>" + word + "</mark>"
}

/* The value with each word that begins with a term wrapped in <mark>; markup and character references are left
   whole, so that a mark never splits one. */
function mark(value, pattern) {
  if (value.indexOf("<") === -1 && value.indexOf("&") === -1)
    return value.replace(pattern, markWord)
  return value.replace(/([^<&]*)(<[^<>]*>|[<&][#a-zA-Z0-9]*;?|$)/g, function (all, text, markup) {
    return text.replace(pattern, markWord) + markup
  })
}

/* The top-level blocks of an entry's text (its paragraphs and lists), as Material's worker cuts a teaser. */
function blocks(value) {
  var out = [], depth = 0, start = 0
  var tags = /<(\/?)[a-zA-Z][^>]*?(\/?)>/g
  for (var m = tags.exec(value); m; m = tags.exec(value)) {
    if (m[1]) {
      if (--depth === 0) {
        out.push(value.slice(start, tags.lastIndex))
        start = tags.lastIndex
      }
    } else if (!m[2] && !/^<(br|hr|img|input|wbr)\b/i.test(m[0])) {
      if (depth++ === 0 && m.index > start) {
        out.push(value.slice(start, m.index))
        start = m.index
      }
    }
  }
  if (start < value.length) out.push(value.slice(start))
  return out
}

function teaser(text, pattern) {
  var parts = blocks(text), found = []
  for (var i = 0; i < parts.length && found.length < 2; i++) {
    var marked = mark(parts[i], pattern)
    if (marked !== parts[i]) found.push(marked)
  }
  return found.length ? found.join("") : text
}

function search(query) {
  var clauses = parse(query).slice(0, 30)  // a bit per clause below
  var positive = clauses.filter(function (c) { return c.presence !== "prohibited" })
  if (!positive.length)
    return {items: []}
  var n = index.docs.length, fields = index.fields
  var score = new Float64Array(n), terms = new Int32Array(n), marks = new Int32Array(n), seen = new Int32Array(n)
  var excluded = new Uint8Array(n), touched = []
  var required = 0
  clauses.forEach(function (clause, c) {
    if (clause.presence === "required") required |= 1 << c
    var found = []  // per field: [entry, count, entry, count...]
    var df = 0
    fields.forEach(function (field, f) {
      var list = found[f] = []
      field.count(clause.term, clause.presence !== "optional", index.stopWords, function (d, tf) {
        list.push(d, tf)
        if (seen[d] !== c + 1) {
          seen[d] = c + 1
          df++
        }
      })
    })
    var idf = Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5)))  // lunr's
    fields.forEach(function (field, f) {
      var list = found[f]
      for (var i = 0; i < list.length; i += 2) {
        var d = list[i], tf = list[i + 1]
        if (clause.presence === "prohibited") {
          excluded[d] = 1
          continue
        }
        if (!terms[d]) touched.push(d)
        score[d] += field.boost * idf * tf * (K1 + 1) / (tf + K1)
        terms[d] |= 1 << c
        marks[d] |= 1 << f
      }
    })
  })
  var results = touched.filter(function (d) {
    return !excluded[d] && (terms[d] & required) === required
  })
  results.forEach(function (d) {  // Material's boosts: pages before their sections, then entries with every term
    var share = 0
    positive.forEach(function (clause) { if (terms[d] & (1 << clauses.indexOf(clause))) share++ })
    var boost = (index.parents[d] === undefined ? 1 : 0) + share / positive.length
    score[d] *= (index.docs[d].boost || 1) * (1 + boost * boost)
  })
  results.sort(function (a, b) { return score[b] - score[a] })
  var pattern = new RegExp("(^|[^" + WORD + "])((?:" + positive.map(function (c) {
    return escapeRegExp(c.term) + (c.presence === "optional" ? "[" + WORD + "]*" : "(?![" + WORD + "])")
  }).join("|") + "))", "giu")
  var text = fields.findIndex(function (field) { return field.name === "text" })
  var title = fields.findIndex(function (field) { return field.name === "title" })
  var groups = new Map()
  results.forEach(function (d) {
    var doc = index.docs[d], article = index.parents[d]
    var ref = article === undefined ? d : article
    var group = groups.get(ref)
    if (!group) groups.set(ref, group = [])
    var found = {}  // as Material: a stop word not found is not said to be missing
    positive.forEach(function (clause) {
      var hit = !!(terms[d] & (1 << clauses.indexOf(clause)))
      if (hit || !(index.stopWords && STOP_WORDS.has(clause.term))) found[clause.term] = hit
    })
    var item = {location: doc.location,
                title: marks[d] & (1 << title) ? mark(doc.title, pattern) : doc.title,
                text: marks[d] & (1 << text) ? teaser(doc.text, pattern) : doc.text,
                score: score[d], terms: found}
    if (doc.tags) item.tags = doc.tags.map(function (tag) { return mark(String(tag), pattern) })
    group.push(item)
  })
  groups.forEach(function (group, ref) {  // as Material: every group shows its page
    var doc = index.docs[ref]
    if (group[0].location !== doc.location && !group.some(function (item) { return item.location === doc.location }))
      group.push(Object.assign({}, doc, {score: 0, terms: {}}))
  })
  return {items: Array.from(groups.values())}
}

/* The entries of a built site, which keeps them beside the index (the plugin's pack_search_index): the compressed
   copy where the browser can decompress it (checked by its first bytes: a server may have decompressed it), else,
   or if that fails, the plain one. None can be had: no entries, said in the console, rather than no answer. */
async function fetchDocs(config) {
  var root = new URL("..", self.location.href)  // this worker is javascripts/search-worker.js
  var paths = typeof DecompressionStream === "function" ? [config.docs[1], config.docs[0]] : [config.docs[0]]
  for (var i = 0; i < paths.length; i++) {
    try {
      var response = await fetch(new URL(paths[i], root))
      if (!response.ok)
        throw new Error(response.status + " " + response.url)
      var bytes = new Uint8Array(await response.arrayBuffer())
      if (bytes[0] === 0x1f && bytes[1] === 0x8b)
        bytes = new Uint8Array(await new Response(
          new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer())
      return JSON.parse(new TextDecoder().decode(bytes))
    } catch (err) {
      console.error("search entries: " + paths[i] + ": " + err)
    }
  }
  return []
}

async function handle(message) {
  switch (message.type) {
    case SETUP:
      var data = message.data
      if (Array.isArray(data.config.docs))
        data = {config: data.config, docs: await fetchDocs(data.config), options: data.options}
      setup(data)
      return {type: READY}
    case QUERY:
      try {
        return {type: RESULT, data: search(message.data)}
      } catch (err) {
        console.warn("Invalid query: " + message.data, err)
        return {type: RESULT, data: {items: []}}
      }
    default:
      throw new TypeError("Invalid message type")
  }
}

// One message at a time, in order: the queries typed while the entries load wait for them.
var queue = Promise.resolve()
addEventListener("message", function (ev) {
  queue = queue.then(function () { return handle(ev.data) }).then(postMessage, function (err) {
    console.error(err)
  })
})

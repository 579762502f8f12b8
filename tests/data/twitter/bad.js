window.YTD.tweets.part0 = [ {
  "tweet" : {
    "id_str" : "1800000000000000001",
    "created_at" : "Fri Jan 05 10:00:01 +0000 2024",
    "full_text" : "bad-file tweet 1",
    "lang" : "en"
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000002",
    "full_text" : "missing value" ,
    "lang" : 
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000003",
    "created_at" : "Fri Jan 05 10:00:03 +0000 2024",
    "full_text" : "café in Latin-1 bytes",
    "lang" : "en"
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000004",
    "created_at" : "the 32nd of Smarch",
    "full_text" : "bad date but a good tweet"
  }
}, {
  "tweet" : {
    "full_text" : "no id at all"
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000006",
    "created_at" : "Fri Jan 05 10:00:06 +0000 2024",
    "full_text" : "bad-file tweet 6",
    "lang" : "en"
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000007",
    "full_text" : "this element lost its closing brace",
    "entities" : { "user_mentions" : [ ]
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000008",
    "created_at" : "Fri Jan 05 10:00:08 +0000 2024",
    "full_text" : "the tweet after the unbalanced one",
    "lang" : "en"
  }
}, {
  "tweet" : {
    "id_str" : "1800000000000000009",
    "full_text" : "cut off in the mid
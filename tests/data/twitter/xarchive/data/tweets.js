window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1750000000000000001", "1750000000000000002" ],
          "editableUntil" : "2024-01-24T11:00:00.000Z",
          "editsRemaining" : "4",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "1",
      "id_str" : "1750000000000000001",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1750000000000000001",
      "created_at" : "Wed Jan 24 10:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Acme relaunch tonight, typo incluided",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "edit" : {
          "initialTweetId" : "1750000000000000001",
          "editControlInitial" : {
            "editTweetIds" : [ "1750000000000000001", "1750000000000000002" ],
            "editableUntil" : "2024-01-24T11:00:00.000Z",
            "editsRemaining" : "4",
            "isEditEligible" : true
          }
        }
      },
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "14",
      "id_str" : "1750000000000000002",
      "truncated" : false,
      "retweet_count" : "3",
      "id" : "1750000000000000002",
      "created_at" : "Wed Jan 24 10:02:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Acme relaunch tonight, typo included",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "1750000000000000003",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1750000000000000003",
      "created_at" : "Wed Jan 24 12:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "line one\rline two about acme",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "9",
      "id_str" : "1750000000000000020",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1750000000000000020",
      "created_at" : "Fri Jan 26 09:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Long post about Acme: the new support portal finally lets you track a repair from the moment you drop the widget off until it is back on your desk, with a message at every step &amp; a real person to answer when something goes wrong. I tried it this week with my broken…",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "9",
      "id_str" : "1750000000000000021",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1750000000000000021",
      "created_at" : "Fri Jan 26 09:00:00 +0000 2024",
      "favorited" : false,
      "full_text" : "Same second, short post about acme",
      "lang" : "en"
    }
  }
]
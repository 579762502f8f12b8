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
  }
]